package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"jxjy/server/domain"
)

var _ domain.PersonService = (*Client)(nil)

// personnelURL is path with the non-empty parameters of v and the page
// (its keyset cursor too, on the lists that take one).
func personnelURL(path string, v url.Values, p domain.PageRequest) string {
	if p.Limit != 0 {
		v.Set("limit", strconv.Itoa(p.Limit))
	}
	if p.Offset != 0 {
		v.Set("offset", strconv.Itoa(p.Offset))
	}
	if p.After != "" {
		v.Set("after", p.After)
	}
	for k, vs := range v {
		if len(vs) == 1 && vs[0] == "" {
			v.Del(k)
		}
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

func personPath(id int64) string { return "/persons/" + strconv.FormatInt(id, 10) }

// RegisterPerson implements domain.PersonService.
func (c *Client) RegisterPerson(ctx context.Context, r domain.PersonRegistration) error {
	return c.do(ctx, call{method: http.MethodPost, path: "/person-registrations", in: r})
}

// MyPerson implements domain.PersonService.
func (c *Client) MyPerson(ctx context.Context) (domain.Person, error) {
	var out domain.Person
	err := c.do(ctx, call{method: http.MethodGet, path: "/person/profile", out: &out})
	return out, err
}

// UpdateMyContact implements domain.PersonService.
func (c *Client) UpdateMyContact(ctx context.Context, u domain.ContactUpdate) (domain.Person, error) {
	var out domain.Person
	err := c.do(ctx, call{method: http.MethodPost, path: "/person/profile/contact", in: u, out: &out})
	return out, err
}

// SearchUnits implements domain.PersonService.
func (c *Client) SearchUnits(ctx context.Context, q domain.UnitSearch) (domain.Page[domain.UnitBrief], error) {
	var out domain.Page[domain.UnitBrief]
	path := personnelURL("/person/units", url.Values{"q": {q.Query}}, q.PageRequest)
	err := c.do(ctx, call{method: http.MethodGet, path: path, out: &out})
	return out, err
}

// ClaimUnit implements domain.PersonService.
func (c *Client) ClaimUnit(ctx context.Context, cl domain.Claim) (domain.Person, error) {
	var out domain.Person
	err := c.do(ctx, call{method: http.MethodPost, path: "/person/profile/claim", in: cl, out: &out})
	return out, err
}

// WithdrawClaim implements domain.PersonService.
func (c *Client) WithdrawClaim(ctx context.Context, w domain.Withdrawal) (domain.Person, error) {
	var out domain.Person
	err := c.do(ctx, call{method: http.MethodPost, path: "/person/profile/withdraw", in: w, out: &out})
	return out, err
}

// ListPersons implements domain.PersonService.
func (c *Client) ListPersons(ctx context.Context, f domain.PersonFilter) (domain.Page[domain.Person], error) {
	var out domain.Page[domain.Person]
	v := url.Values{"name": {f.Name}, "id_number": {f.IDNumber}, "title": {f.Title}, "status": {string(f.Status)}}
	err := c.do(ctx, call{method: http.MethodGet, path: personnelURL("/persons", v, f.PageRequest), out: &out})
	return out, err
}

// GetPerson implements domain.PersonService.
func (c *Client) GetPerson(ctx context.Context, id int64) (domain.Person, error) {
	var out domain.Person
	err := c.do(ctx, call{method: http.MethodGet, path: personPath(id), out: &out})
	return out, err
}

// AddPerson implements domain.PersonService.
func (c *Client) AddPerson(ctx context.Context, in domain.PersonInput) (domain.Person, error) {
	var out domain.Person
	err := c.do(ctx, call{method: http.MethodPost, path: "/persons", in: in, out: &out})
	return out, err
}

// UpdatePerson implements domain.PersonService.
func (c *Client) UpdatePerson(ctx context.Context, id int64, in domain.PersonInput) (domain.Person, error) {
	var out domain.Person
	err := c.do(ctx, call{method: http.MethodPost, path: personPath(id), in: in, out: &out})
	return out, err
}

// DecideAffiliation implements domain.PersonService.
func (c *Client) DecideAffiliation(ctx context.Context, id int64, d domain.AffiliationDecision) (domain.Person, error) {
	var out domain.Person
	err := c.do(ctx, call{method: http.MethodPost, path: personPath(id) + "/decision", in: d, out: &out})
	return out, err
}

// DecideAffiliations implements domain.PersonService.
func (c *Client) DecideAffiliations(ctx context.Context, b domain.AffiliationBatch) (domain.AffiliationSummary, error) {
	var out domain.AffiliationSummary
	err := c.do(ctx, call{method: http.MethodPost, path: "/persons/decisions", in: b, out: &out})
	return out, err
}
