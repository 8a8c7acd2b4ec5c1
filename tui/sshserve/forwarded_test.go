package sshserve

import (
	"net"
	"testing"

	"jxjy/tui/common"
)

// ServicesFrom is told each session's SSH client address, so the session's
// client can name its operator to the jxjy server.
func TestServicesFromGetsTheClientAddress(t *testing.T) {
	remotes := make(chan net.Addr, 1)
	e := start(t, func(c *Config) {
		services := c.Services
		c.Services = nil
		c.ServicesFrom = func(remote net.Addr) common.Services {
			remotes <- remote
			return services()
		}
	})
	u := openUI(t, e.mustDial(t, "alice"))
	u.waitFor("用户登录")
	remote := <-remotes
	host, _, err := net.SplitHostPort(remote.String())
	if err != nil || host != "127.0.0.1" {
		t.Fatalf("session's remote address %v", remote)
	}
}
