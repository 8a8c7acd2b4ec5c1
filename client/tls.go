package client

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"jxjy/server/domain"
)

// LoadCA reads a PEM file of CA certificates (`--ca-file`): a province
// that signs its servers' certificates with its own CA gives its county
// offices that file instead of buying public certificates.
func LoadCA(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("读取 CA 证书文件失败：%w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA 证书文件 %s 中没有 PEM 格式的证书", path)
	}
	return pool, nil
}

// PlainRemote reports whether baseURL is http:// to a host other than this
// machine: a password sent there crosses a network in clear text.
func PlainRemote(baseURL string) bool {
	u, err := url.Parse(baseURL)
	if err != nil || !strings.EqualFold(u.Scheme, "http") {
		return false
	}
	return !loopbackHost(u.Hostname())
}

func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ErrPlainHTTP refuses every call to a remote http:// server the operator
// did not accept as unencrypted: each call carries a password or a session.
var ErrPlainHTTP = &domain.Error{Code: domain.CodeUnavailable,
	Message: "服务器地址是未加密的 http://，已拒绝发送密码和会话；请改用 https:// 地址（或确知风险时以 --insecure-http 启动）"}

// transport is the HTTP transport for o: Go's default (proxies from the
// environment, HTTP/2 over TLS) with TLS 1.2 at least and, given RootCAs,
// only that CA trusted instead of the system's roots.
func transport(o Options) http.RoundTripper {
	if o.Transport != nil {
		return o.Transport
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: o.RootCAs}
	// A server that accepts the connection but never finishes the
	// handshake must not hold the screen for the whole call timeout.
	t.TLSHandshakeTimeout = 10 * time.Second
	return t
}

// tlsProblem is the operator's message for a failed TLS handshake, or ""
// when err is not one. Each names what the operator (or the server's
// administrator) can do about it.
func tlsProblem(err error) string {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var record tls.RecordHeaderError
	switch {
	case errors.As(err, &unknown):
		return "服务器证书不受信任（签发机构未知）；如使用本省自建 CA，请以 --ca-file 指定其证书"
	case errors.As(err, &host):
		return "服务器证书与地址不符（证书不属于 " + host.Host + "）；请核对服务器地址"
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return "服务器证书已过期或尚未生效；请联系服务器管理员更新证书（并核对本机时间）"
	case errors.As(err, &invalid):
		return "服务器证书无效：" + invalid.Error()
	case errors.As(err, &verify):
		return "服务器证书验证失败"
	case errors.As(err, &record):
		return "服务器未使用 TLS；请核对地址是 https:// 还是 http://"
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "服务器未使用 TLS；请核对地址是 https:// 还是 http://"
	case strings.Contains(err.Error(), "tls: "):
		return "与服务器建立加密连接失败"
	}
	return ""
}
