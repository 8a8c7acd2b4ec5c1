package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"jxjy/client"
	"jxjy/server"
	"jxjy/tui"
	"jxjy/tui/common"
)

func runServe(ctx context.Context, args []string) error {
	fs := newFlagSet("serve")
	addr := fs.String("addr", envOr("JXJY_ADDR", "127.0.0.1:8080"), "listen address")
	db := fs.String("db", envOr("JXJY_DB", ""), "database URL")
	captcha := captchaFlag(true)
	fs.Var(&captcha, "captcha", "on|off")
	demo := fs.Bool("demo", false, "seed demo data into an empty database")
	maxUpload := fs.Int64("max-upload-mb", 20, "size limit of one attachment, in MiB")
	cert := addCertFlags(fs)
	anonRate := fs.Int("anon-rate", 0, "captcha, login and registration calls per minute per client address (0: default 30; -1: off, for load tests)")
	loginRate := fs.Int("login-rate", 0, "login attempts per minute per account, whatever their outcome (0: default 10; -1: off, for load tests)")
	maxAttachments := fs.Int("max-attachments", 0, "attachments one application, record or other entry may hold (0: default 20)")
	timeouts := []struct {
		name  string
		value *time.Duration
	}{
		{"read-header-timeout", fs.Duration("read-header-timeout", server.DefaultReadHeaderTimeout, "time a client has to send a request's line and headers")},
		{"read-timeout", fs.Duration("read-timeout", server.DefaultReadTimeout, "time a client has to send a whole request (uploads: 30 min)")},
		{"write-timeout", fs.Duration("write-timeout", server.DefaultWriteTimeout, "time an answer may take, from the request's start (file downloads: 30 min; the record export renews it while the client reads)")},
		{"idle-timeout", fs.Duration("idle-timeout", server.DefaultIdleTimeout, "time a kept-alive connection may wait for its next request")},
	}
	statsCache := fs.Duration("stats-cache", server.DefaultStatsCacheTTL, "how long an authority's statistics are reused before they are summed again (-1s: every request)")
	metricsAddr := fs.String("metrics-addr", envOr("JXJY_METRICS_ADDR", ""), "listen address of the Prometheus metrics page (default off)")
	var trusted prefixList
	if err := trusted.Set(envOr("JXJY_TRUSTED_PROXIES", "")); err != nil {
		return err
	}
	fs.Var(&trusted, "trusted-proxy", "gateways (CIDR or IP, comma-separated) whose X-Forwarded-For names the client, e.g. a `jxjy ssh` host or a TLS-terminating reverse proxy")
	tlsCert := fs.String("tls-cert", envOr("JXJY_TLS_CERT", ""), "TLS certificate (PEM, chain first): serve HTTPS (TLS 1.2+, HTTP/2)")
	tlsKey := fs.String("tls-key", envOr("JXJY_TLS_KEY", ""), "private key of --tls-cert (PEM)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return fmt.Errorf("--tls-cert 与 --tls-key 须同时给出")
	}
	var tlsConfig *tls.Config
	if *tlsCert != "" {
		var err error
		if tlsConfig, err = server.LoadTLS(*tlsCert, *tlsKey); err != nil {
			return err
		}
	}
	for _, t := range timeouts {
		if *t.value <= 0 {
			return fmt.Errorf("--%s 必须大于 0（例如 30s、2m）", t.name)
		}
	}
	if *maxAttachments < 0 {
		return fmt.Errorf("--max-attachments 不能为负数")
	}
	if *db == "" {
		dir, err := dataDir()
		if err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		*db = "sqlite:///" + dir + "/jxjy.db"
	}
	log := newLogger(os.Stderr)
	cfg := server.Config{DB: *db, CaptchaEnabled: bool(captcha), Demo: *demo, Logger: log,
		MaxUploadBytes: *maxUpload << 20, TrustedProxies: trusted, AnonymousPerMinute: *anonRate,
		LoginAttemptsPerMinute: *loginRate, MaxAttachments: *maxAttachments,
		ReadHeaderTimeout: *timeouts[0].value, ReadTimeout: *timeouts[1].value,
		WriteTimeout: *timeouts[2].value, IdleTimeout: *timeouts[3].value, StatsCacheTTL: *statsCache,
		TLS: tlsConfig}
	if err := cert.apply(&cfg); err != nil {
		return err
	}
	srv, err := server.Open(ctx, cfg)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		_ = srv.Shutdown(context.Background())
		return err
	}
	if *metricsAddr != "" {
		stop, err := serveMetrics(srv, *metricsAddr)
		if err != nil {
			_ = l.Close()
			_ = srv.Shutdown(context.Background())
			return err
		}
		defer stop()
	}
	return serveUntilDone(ctx, srv, l)
}

// serveMetrics serves the metrics page on its own address, which the
// operator keeps off the public network; stop closes it.
func serveMetrics(srv *server.Server, addr string) (stop func(), err error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	// The operations port also serves Go's profiler: when latency climbs,
	// `go tool pprof http://ADDR/debug/pprof/profile` shows where the CPU
	// goes. It is as private as the metrics.
	mux := http.NewServeMux()
	mux.Handle("/", srv.MetricsHandler())
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(l) }()
	return func() { _ = hs.Close() }, nil
}

// serveUntilDone serves until ctx ends (a signal), then shuts down
// gracefully: running requests finish, the database is closed cleanly.
func serveUntilDone(ctx context.Context, srv *server.Server, l net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil && serveErr == nil {
		serveErr = err
	}
	return serveErr
}

func runTUI(ctx context.Context, args []string) error {
	fs := newFlagSet("tui")
	url := fs.String("server", envOr("JXJY_SERVER", "http://127.0.0.1:8080"), "server URL")
	ascii := fs.Bool("ascii", false, "ASCII borders")
	var link linkFlags
	link.add(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	opts, err := link.clientOptions(*url)
	if err != nil {
		return err
	}
	return runUI(ctx, *url, *ascii, opts)
}

// linkFlags are how `jxjy tui` and `jxjy ssh` reach a remote server:
// which CA to trust, and whether clear text is accepted.
type linkFlags struct {
	caFile   *string
	insecure *bool
}

func (l *linkFlags) add(fs *flag.FlagSet) {
	l.caFile = fs.String("ca-file", envOr("JXJY_CA_FILE", ""), "PEM file of the CA that signed the server's certificate (default: the system's roots)")
	l.insecure = fs.Bool("insecure-http", false, "allow an http:// server on another machine: passwords and sessions cross the network unencrypted")
}

// clientOptions checks the server URL against the flags: a remote
// http:// server is refused before any password is typed, unless
// --insecure-http accepts it.
func (l *linkFlags) clientOptions(url string) (client.Options, error) {
	if client.PlainRemote(url) && !*l.insecure {
		return client.Options{}, fmt.Errorf("拒绝连接 %s：未加密的 http:// 会以明文发送密码和会话。请改用 https:// 地址；确需明文（如受控内网）时加 --insecure-http", url)
	}
	o := client.Options{InsecureHTTP: *l.insecure}
	if *l.caFile != "" {
		pool, err := client.LoadCA(*l.caFile)
		if err != nil {
			return o, err
		}
		o.RootCAs = pool
	}
	return o, nil
}

func runUI(ctx context.Context, url string, ascii bool, opts client.Options) error {
	return tui.Run(ctx, tui.Options{
		Services:    clientServices(client.New(url, opts)),
		ASCII:       ascii,
		ServerURL:   url,
		Unencrypted: client.PlainRemote(url),
	})
}

// clientServices is every service the UI uses, over one operator's client;
// `jxjy tui` and each `jxjy ssh` session get theirs from here.
func clientServices(c *client.Client) common.Services {
	return common.Services{Auth: c, Ref: c, Admin: c, Health: c, Applications: c, Attachments: c, History: c,
		Persons: c, Teachers: c, Records: c, RecordImport: c,
		Requirements: c, Certificates: c, Courses: c, Plans: c, Classes: c,
		Credit: c, Queries: c, Dictionaries: c, Work: c}
}

// runEmbedded is `jxjy` alone: the server on a loopback port over SQLite in
// the user's data directory (demo data on first run), and the TUI on top.
func runEmbedded(ctx context.Context, args []string) error {
	fs := newFlagSet("jxjy")
	ascii := fs.Bool("ascii", false, "ASCII borders")
	db := fs.String("db", envOr("JXJY_DB", ""), "database URL")
	captcha := captchaFlag(true)
	fs.Var(&captcha, "captcha", "on|off")
	cert := addCertFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg := server.Config{CaptchaEnabled: bool(captcha)}
	if err := cert.apply(&cfg); err != nil {
		return err
	}
	dir, err := dataDir()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if *db == "" {
		*db = "sqlite:///" + dir + "/jxjy.db"
	}
	// The terminal belongs to the TUI; the server logs to a file.
	logFile, err := os.OpenFile(dir+"/jxjy.log", os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cfg.DB, cfg.Logger = *db, newLogger(logFile)
	url, stop, err := startEmbedded(ctx, cfg)
	if err != nil {
		return err
	}
	uiErr := runUI(ctx, url, *ascii, client.Options{})
	if err := stop(); err != nil && uiErr == nil {
		uiErr = err
	}
	return uiErr
}

// startEmbedded runs a server of cfg on a loopback port (demo data on
// first run) and returns its URL; stop shuts it down gracefully.
func startEmbedded(ctx context.Context, cfg server.Config) (url string, stop func() error, err error) {
	cfg.Demo, cfg.TrustedProxies = true, loopback
	srv, err := server.Open(ctx, cfg)
	if err != nil {
		return "", nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = srv.Shutdown(context.Background())
		return "", nil, err
	}
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String(), func() error {
		shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		return srv.Shutdown(shutCtx)
	}, nil
}
