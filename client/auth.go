package client

import (
	"context"
	"net/http"

	"jxjy/server/domain"
)

// NewCaptcha implements domain.AuthService.
func (c *Client) NewCaptcha(ctx context.Context) (domain.Captcha, error) {
	var out domain.Captcha
	err := c.do(ctx, call{method: http.MethodPost, path: "/captcha", out: &out})
	return out, err
}

// Login implements domain.AuthService and keeps the session token. A login
// is never retried: its captcha is single-use.
func (c *Client) Login(ctx context.Context, req domain.LoginRequest) (domain.Session, error) {
	var out domain.Session
	if err := c.do(ctx, call{method: http.MethodPost, path: "/session", in: req, out: &out, noKey: true}); err != nil {
		return domain.Session{}, err
	}
	c.setToken(out.Token)
	out.Token = ""
	return out, nil
}

// Logout implements domain.AuthService. The local token is dropped even if
// the server cannot be told.
func (c *Client) Logout(ctx context.Context) error {
	err := c.do(ctx, call{method: http.MethodDelete, path: "/session"})
	c.setToken("")
	return err
}

// Me implements domain.AuthService.
func (c *Client) Me(ctx context.Context) (domain.Session, error) {
	var out domain.Session
	err := c.do(ctx, call{method: http.MethodGet, path: "/session", out: &out})
	return out, err
}

// ChangePassword implements domain.AuthService.
func (c *Client) ChangePassword(ctx context.Context, req domain.PasswordChange) error {
	return c.do(ctx, call{method: http.MethodPost, path: "/session/password", in: req})
}

// RegisterUnit implements domain.AuthService.
func (c *Client) RegisterUnit(ctx context.Context, req domain.UnitRegistration) error {
	return c.do(ctx, call{method: http.MethodPost, path: "/units", in: req})
}

// Reference implements domain.ReferenceService.
func (c *Client) Reference(ctx context.Context) (domain.Reference, error) {
	var out domain.Reference
	err := c.do(ctx, call{method: http.MethodGet, path: "/reference", out: &out})
	return out, err
}

// CreateAccount implements domain.AdminService.
func (c *Client) CreateAccount(ctx context.Context, a domain.NewAccount) (domain.User, error) {
	var out domain.User
	err := c.do(ctx, call{method: http.MethodPost, path: "/admin/accounts", in: a, out: &out})
	return out, err
}

// ResetPassword implements domain.AdminService.
func (c *Client) ResetPassword(ctx context.Context, r domain.PasswordReset) error {
	return c.do(ctx, call{method: http.MethodPost, path: "/admin/password-resets", in: r})
}
