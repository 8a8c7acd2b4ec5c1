package api

import (
	"net/http"
	"net/netip"
	"strings"
)

// clientIP is the address a request acts for: the peer's, unless the peer
// is a trusted gateway (`jxjy ssh`, a reverse proxy; Config.TrustedProxies),
// in which case it is the last X-Forwarded-For hop that is not itself
// trusted. A client cannot choose its own address this way: hops written
// before an untrusted one are never read, and a malformed hop stops the walk.
func (a *API) clientIP(r *http.Request) string {
	ip := remoteIP(r)
	if len(a.cfg.TrustedProxies) == 0 {
		return ip
	}
	peer, err := netip.ParseAddr(ip)
	if err != nil || !a.trusted(peer) {
		return ip
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		ip = hop.Unmap().String()
		if !a.trusted(hop) {
			break
		}
	}
	return ip
}

func (a *API) trusted(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range a.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
