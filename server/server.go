// Package server assembles the jxjy server: store, services and HTTP API,
// with a clean start and a graceful stop.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"jxjy/server/api"
	"jxjy/server/certpdf"
	"jxjy/server/store"
)

// Config is everything `jxjy serve` and embedded mode can set.
type Config struct {
	// DB is sqlite:///path/file.db or postgres://…
	DB string
	// CaptchaEnabled is false only for automated tests and scripted demos.
	CaptchaEnabled bool
	// Demo seeds the demo data set when the database is empty.
	Demo   bool
	Logger *slog.Logger
	// Now is the clock (tests move it); nil means time.Now.
	Now func() time.Time
	// MaxBodyBytes caps JSON bodies; 0 means the API default.
	MaxBodyBytes int64
	// CJKFont is the TrueType font certificates are drawn with; empty
	// means $JXJY_CJK_FONT, then the PDF standard Chinese font, which
	// needs no file (see server/certpdf).
	CJKFont string
	// PublicURL is the address outsiders reach the server at; each
	// certificate's QR code opens PublicURL/verify. Empty leaves the QR
	// code out.
	PublicURL string
	// AnonymousPerMinute budgets captcha, login and registration calls per
	// client address; 0 means the API default, negative turns it off.
	AnonymousPerMinute int
	// TokenPerMinute and TokenBurst budget each institution API token
	// (default 120 a minute, burst 30; negative: no limit).
	TokenPerMinute int
	TokenBurst     int
	// MaxUploadBytes is the size limit of one attachment; 0 means
	// domain.DefaultMaxUploadBytes (20 MiB).
	MaxUploadBytes int64
	// TrustedProxies are gateways whose X-Forwarded-For the per-address
	// limits believe (see api.Config.TrustedProxies).
	TrustedProxies []netip.Prefix
	// LoginAttemptsPerMinute budgets login attempts per account, whatever
	// their outcome (see store.AuthConfig.AttemptsPerMinute); 0 means 10,
	// negative turns it off.
	LoginAttemptsPerMinute int
	// MaxAttachments is how many files one owner (application, record…)
	// may hold; 0 means domain.DefaultMaxAttachments (20).
	MaxAttachments int
	// Slow-client timeouts of Serve (`jxjy serve --read-header-timeout`
	// and the rest); zero takes the default noted. Uploads and file
	// downloads allow themselves 30 minutes, and the record export renews
	// WriteTimeout while the client keeps reading.
	ReadHeaderTimeout time.Duration // default 10s: the request line and headers
	ReadTimeout       time.Duration // default 2m: the whole request, body included
	WriteTimeout      time.Duration // default 2m: the answer, from the request's start
	IdleTimeout       time.Duration // default 2m: a kept-alive connection between requests
	// StatsCacheTTL is how long an authority's statistics of a year are
	// reused (store.Options.StatsCacheTTL); 0 means DefaultStatsCacheTTL,
	// negative computes them on every request.
	StatsCacheTTL time.Duration
	// TLS, when set, makes Serve answer HTTPS (HTTP/2 and HTTP/1.1) with
	// it; see LoadTLS. Nil serves plain HTTP, for loopback or behind a
	// TLS-terminating reverse proxy.
	TLS *tls.Config
}

// LoadTLS reads a certificate (chain first, PEM) and its key for
// `jxjy serve --tls-cert --tls-key`: TLS 1.2 at least and, for 1.2, only
// forward-secret AEAD suites (TLS 1.3's are all modern and not settable).
func LoadTLS(certFile, keyFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("读取 TLS 证书或私钥失败：%w", err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		},
	}, nil
}

// DefaultStatsCacheTTL is how long an authority's statistics are reused.
const DefaultStatsCacheTTL = 30 * time.Second

// Default slow-client timeouts.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 2 * time.Minute
	DefaultWriteTimeout      = 2 * time.Minute
	DefaultIdleTimeout       = 2 * time.Minute
)

// withDefaults settles the zero timeouts.
func (c Config) withDefaults() Config {
	set := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	set(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	set(&c.ReadTimeout, DefaultReadTimeout)
	set(&c.WriteTimeout, DefaultWriteTimeout)
	set(&c.IdleTimeout, DefaultIdleTimeout)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Server is a running jxjy server.
type Server struct {
	DB   *store.DB
	API  *api.API
	log  *slog.Logger
	http *http.Server
}

// Open opens (and migrates) the database named by cfg.DB, seeds demo data
// if asked and builds the HTTP handler. It does not listen yet.
func Open(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	statsTTL := cfg.StatsCacheTTL
	if statsTTL == 0 {
		statsTTL = DefaultStatsCacheTTL
	}
	db, err := store.Open(ctx, cfg.DB, store.Options{Now: cfg.Now, Logger: cfg.Logger, StatsCacheTTL: statsTTL})
	if err != nil {
		return nil, err
	}
	if cfg.Demo {
		seeded, err := db.SeedDemo(ctx)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("seed demo data: %w", err)
		}
		if seeded {
			cfg.Logger.Info("demo data seeded")
		}
	}
	return New(db, cfg), nil
}

// New builds the server over an open database (tests open their own).
func New(db *store.DB, cfg Config) *Server {
	cfg = cfg.withDefaults()
	if !cfg.CaptchaEnabled {
		cfg.Logger.Warn("captcha is OFF: any code is accepted; use only for tests and scripted demos")
	}
	auth := store.NewAuthService(db, store.AuthConfig{CaptchaEnabled: cfg.CaptchaEnabled,
		AttemptsPerMinute: cfg.LoginAttemptsPerMinute})
	files := store.NewAttachmentService(db, cfg.MaxUploadBytes).WithMaxCount(cfg.MaxAttachments)
	tokens := store.NewAPITokenService(db)
	a := api.New(api.Config{
		Auth:         auth,
		Authn:        auth,
		Reference:    store.NewReferenceService(db),
		Admin:        store.NewAdminService(db),
		Idempotency:  idempotency{db},
		Applications: store.NewApplicationService(db),
		Attachments:  files,
		History:      store.NewHistoryService(db),
		Persons:      store.NewPersonService(db),
		Teachers:     store.NewTeacherService(db),
		Credit:       store.NewCreditService(db),
		Queries:      store.NewQueryService(db),
		Records:      store.NewRecordService(db),
		Courses:      store.NewCourseService(db),
		Plans:        store.NewPlanService(db),
		Classes:      store.NewClassService(db),
		RecordImport: store.NewRecordImportService(db),
		Requirements: store.NewRequirementService(db),
		Certificates: store.NewCertificateService(db, certpdf.New(cfg.CJKFont, cfg.PublicURL)),
		Dictionaries: store.NewDictionaryService(db),
		Work:         store.NewWorkService(db),
		Tokens:       tokens,
		TokenAuthn:   tokens,
		Machine:      store.NewMachineService(db),
		Ready:        db.Ping,
		PoolStats:    db.PoolStats,
		Logger:       cfg.Logger,
		MaxBodyBytes: cfg.MaxBodyBytes,
		Now:          cfg.Now,

		AnonymousPerMinute: cfg.AnonymousPerMinute,
		TokenPerMinute:     cfg.TokenPerMinute,
		TokenBurst:         cfg.TokenBurst,
		TrustedProxies:     cfg.TrustedProxies,
		// The service settles the default, so both limits are the same.
		MaxUploadBytes: files.MaxBytes(),
		WriteTimeout:   cfg.WriteTimeout,
	})
	s := &Server{DB: db, API: a, log: cfg.Logger}
	// Built here, not in Serve, so Shutdown from another goroutine never
	// races Serve's start.
	s.http = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
		TLSConfig:         cfg.TLS,
	}
	return s
}

// Handler is the full HTTP handler, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.API.Handler() }

// MetricsHandler serves the Prometheus metrics page; give it a listener of
// its own (`jxjy serve --metrics-addr`), not the public one.
func (s *Server) MetricsHandler() http.Handler { return s.API.MetricsHandler() }

// Serve answers on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	var err error
	if s.http.TLSConfig != nil {
		s.log.Info("server started", "addr", l.Addr().String(), "scheme", "https", "instance", s.DB.InstanceID())
		// Certificates come from TLSConfig; ServeTLS also offers HTTP/2.
		err = s.http.ServeTLS(l, "", "")
	} else {
		s.log.Info("server started", "addr", l.Addr().String(), "scheme", "http", "instance", s.DB.InstanceID())
		err = s.http.Serve(l)
	}
	if !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown lets running requests finish (within ctx), then closes the
// database, which checkpoints SQLite's WAL so nothing written is lost. It
// logs one line saying how the stop went: the log's last word after a
// SIGTERM or quitting the embedded mode.
func (s *Server) Shutdown(ctx context.Context) error {
	err := errors.Join(s.http.Shutdown(ctx), s.DB.Close())
	if err != nil {
		s.log.Error("server stopped with errors", "err", err)
	} else {
		s.log.Info("server stopped cleanly")
	}
	return err
}

// idempotency adapts the store's idempotency keys to the API's interface.
type idempotency struct{ db *store.DB }

func (i idempotency) Begin(ctx context.Context, scope, key, requestHash string) (*api.StoredResponse, error) {
	r, err := i.db.IdempotencyBegin(ctx, scope, key, requestHash)
	if err != nil || r == nil {
		return nil, err
	}
	return &api.StoredResponse{Status: r.Status, ContentType: r.ContentType, Body: r.Body}, nil
}

func (i idempotency) Finish(ctx context.Context, scope, key string, r api.StoredResponse) error {
	return i.db.IdempotencyFinish(ctx, scope, key, r.Status, r.ContentType, r.Body)
}

func (i idempotency) Abort(ctx context.Context, scope, key string) error {
	return i.db.IdempotencyAbort(ctx, scope, key)
}
