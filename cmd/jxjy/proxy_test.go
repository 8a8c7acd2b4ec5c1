package main

import (
	"net"
	"testing"
)

func TestTrustedProxyFlag(t *testing.T) {
	var p prefixList
	if err := p.Set("10.0.0.0/8, 192.168.1.5,,::1"); err != nil {
		t.Fatal(err)
	}
	if got := p.String(); got != "10.0.0.0/8,192.168.1.5/32,::1/128" {
		t.Fatalf("parsed as %s", got)
	}
	if err := p.Set("ssh-gateway"); err == nil {
		t.Fatal("a host name was accepted")
	}
	if got := hostOf(&net.TCPAddr{IP: net.ParseIP("203.0.113.7"), Port: 52100}); got != "203.0.113.7" {
		t.Fatalf("hostOf = %s", got)
	}
}
