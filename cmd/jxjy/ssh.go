package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"jxjy/client"
	"jxjy/server"
	"jxjy/tui/common"
	"jxjy/tui/sshserve"
)

// runSSH serves the TUI over SSH: `jxjy ssh [--server URL]`, or
// `jxjy ssh passwd` to manage the password list.
func runSSH(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "passwd" {
		return runSSHPasswd(args[1:])
	}
	dir, err := dataDir()
	if err != nil {
		return err
	}
	fs := newFlagSet("ssh")
	addr := fs.String("addr", envOr("JXJY_SSH_ADDR", ":2222"), "SSH listen address")
	url := fs.String("server", envOr("JXJY_SERVER", ""), "jxjy server URL (empty: embedded server)")
	db := fs.String("db", envOr("JXJY_DB", ""), "database URL of the embedded server")
	captcha := captchaFlag(true)
	fs.Var(&captcha, "captcha", "on|off (embedded server)")
	auth := fs.String("auth", envOr("JXJY_SSH_AUTH", string(sshserve.AuthOpen)), "open|password|keys")
	passwords := fs.String("passwords", filepath.Join(dir, "ssh_passwords"), "password list (--auth password)")
	keys := fs.String("authorized-keys", filepath.Join(dir, "ssh_authorized_keys"), "authorized_keys file (--auth keys)")
	hostKey := fs.String("host-key", filepath.Join(dir, "ssh_host_ed25519_key"), "host key, made on first start")
	files := fs.String("files", filepath.Join(dir, "ssh-files"), "folder of each SSH user's inbox and outbox")
	idle := fs.Duration("idle", 15*time.Minute, "end sessions idle this long")
	keepAlive := fs.Duration("keepalive", 30*time.Second, "ask each terminal's client for a sign of life this often; a link silent for 3 times as long is closed (and its session detached)")
	resume := fs.Duration("resume-window", 10*time.Minute, "keep a dropped session's UI running this long for its SSH user to resume (0: end it)")
	maxSessions := fs.Int("max-sessions", 50, "simultaneous terminal sessions")
	rate := fs.Int("rate", 20, "new connections per minute from one IP address")
	publicHost := fs.String("public-host", "", "host[:port] shown in scp commands (default: the address the client used)")
	ascii := fs.Bool("ascii", false, "ASCII borders by default (a client may send JXJY_ASCII=1)")
	cert := addCertFlags(fs)
	var link linkFlags
	link.add(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg := server.Config{CaptchaEnabled: bool(captcha)}
	if err := cert.apply(&cfg); err != nil {
		return err
	}
	if *url != "" && (cfg.CJKFont != "" || cfg.PublicURL != "") {
		return fmt.Errorf("--cjk-font 与 --public-url 是内嵌服务器的设置；连接 --server 时请在该服务器（jxjy serve）上设置")
	}
	linkOpts, err := link.clientOptions(*url)
	if err != nil {
		return err
	}
	mode, err := sshserve.ParseAuthMode(*auth)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	log := newLogger(os.Stderr)
	if *url == "" {
		if *db == "" {
			*db = "sqlite:///" + dir + "/jxjy.db"
		}
		cfg.DB, cfg.Logger = *db, log.With("part", "server")
		embedded, stop, err := startEmbedded(ctx, cfg)
		if err != nil {
			return err
		}
		defer stop()
		*url = embedded
	}
	serverURL := *url
	srv, err := sshserve.New(sshserve.Config{
		Unencrypted: client.PlainRemote(serverURL),
		ServicesFrom: func(remote net.Addr) common.Services {
			o := linkOpts
			o.ForwardedFor = hostOf(remote)
			return clientServices(client.New(serverURL, o))
		},
		HostKeyPath:          *hostKey,
		FilesDir:             *files,
		Auth:                 mode,
		PasswordFile:         *passwords,
		AuthorizedKeysFile:   *keys,
		IdleTimeout:          *idle,
		ResumeWindow:         *resume,
		KeepAlive:            *keepAlive,
		MaxSessions:          *maxSessions,
		ConnectionsPerMinute: *rate,
		PublicHost:           *publicHost,
		ASCII:                *ascii,
		Logger:               log.With("part", "ssh"),
	})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	log.Info("ssh listening", "addr", l.Addr().String(), "auth", string(mode), "server", serverURL, "files", *files)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	log.Info("ssh shutting down", "sessions", srv.Sessions(), "detached", srv.Detached())
	if err := srv.Shutdown(shutCtx); err != nil && serveErr == nil && !errors.Is(err, context.DeadlineExceeded) {
		serveErr = err
	}
	return serveErr
}

// runSSHPasswd adds a user to the SSH password list, or changes their
// password.
func runSSHPasswd(args []string) error {
	dir, err := dataDir()
	if err != nil {
		return err
	}
	fs := newFlagSet("ssh passwd")
	file := fs.String("passwords", filepath.Join(dir, "ssh_passwords"), "password list")
	user := fs.String("username", "", "SSH user name")
	password := fs.String("password", "", "password (generated when empty)")
	if err := parse(fs, args); err != nil {
		return err
	}
	generated := *password == ""
	if generated {
		*password = randomPassword()
	}
	if err := sshserve.SetPassword(*file, *user, *password); err != nil {
		return err
	}
	fmt.Printf("已设置 SSH 用户 %s 的密码（%s）\n", *user, *file)
	if generated {
		fmt.Printf("密码: %s\n", *password)
	}
	return nil
}
