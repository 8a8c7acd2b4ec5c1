package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
)

// captchaFlag reads --captcha on|off.
type captchaFlag bool

func (c *captchaFlag) String() string {
	if *c {
		return "on"
	}
	return "off"
}

func (c *captchaFlag) Set(s string) error {
	switch s {
	case "on":
		*c = true
	case "off":
		*c = false
	default:
		return fmt.Errorf("--captcha 只能是 on 或 off")
	}
	return nil
}

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse reports flag errors with the usage text.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%v\n\n%s", err, usage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("多余的参数: %v\n\n%s", fs.Args(), usage)
	}
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// dataDir is where embedded mode keeps its database and log, per the XDG
// base directory convention.
func dataDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "jxjy"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("无法确定数据目录: %w", err)
	}
	return filepath.Join(home, ".local", "share", "jxjy"), nil
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
