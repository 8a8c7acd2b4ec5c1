package sshserve

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/charmbracelet/ssh"
	"golang.org/x/crypto/bcrypt"
	gossh "golang.org/x/crypto/ssh"
)

// AuthMode is how SSH users are let in. SSH authentication only admits to
// the jxjy login screen; each session still logs in to jxjy itself. It also
// names the user's file folder, so only password and key modes keep one
// user out of another's inbox and outbox.
type AuthMode string

const (
	// AuthOpen admits anyone under any valid name: for a trusted network
	// or a single operator.
	AuthOpen AuthMode = "open"
	// AuthPassword checks the user's password against a password list
	// (name:bcrypt-hash lines, written by `jxjy ssh passwd`).
	AuthPassword AuthMode = "password"
	// AuthKeys admits a public key listed in an authorized_keys file for
	// the name in its comment (see KeyName).
	AuthKeys AuthMode = "keys"
)

// ParseAuthMode reads --auth.
func ParseAuthMode(s string) (AuthMode, error) {
	switch m := AuthMode(s); m {
	case AuthOpen, AuthPassword, AuthKeys:
		return m, nil
	}
	return "", fmt.Errorf("--auth 只能是 open、password 或 keys")
}

// validName is what an SSH user name may be: it names a folder on the
// server, so nothing that could walk out of it.
var validName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$`)

// ValidName reports whether name may be an SSH user of this server.
func ValidName(name string) bool { return validName.MatchString(name) }

// errDenied is what every refused login gets: no hint of which part failed.
var errDenied = errors.New("permission denied")

// dummyHash is compared against for unknown users, so that a wrong name
// takes as long to refuse as a wrong password. Made on first use: bcrypt
// is slow, and every jxjy command links this package.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("jxjy-unknown-user"), bcryptCost)
	return h
})

// bcryptCost is the work factor of stored passwords; tests lower it.
var bcryptCost = bcrypt.DefaultCost

// checkPassword reports whether password is user's in the password list
// at path. The file is read on every attempt, so added users need no
// restart.
func checkPassword(path, user, password string) (bool, error) {
	hashes, err := readPasswords(path)
	if err != nil {
		return false, err
	}
	hash, known := hashes[user]
	if !known || !ValidName(user) {
		hash = dummyHash()
	}
	ok := bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
	return ok && known && ValidName(user), nil
}

func readPasswords(path string) (map[string][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, hash, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%s 第 %d 行: 应为 用户名:哈希", path, i+1)
		}
		out[name] = []byte(hash)
	}
	return out, nil
}

// SetPassword writes user's bcrypt hash into the password list at path,
// replacing an old one; the file is created with mode 0600.
func SetPassword(path, user, password string) error {
	if !ValidName(user) {
		return fmt.Errorf("用户名 %q 无效：只能用字母、数字和 . _ -，最长 64 个字符", user)
	}
	if len(password) < 8 {
		return errors.New("SSH 密码至少 8 个字符")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	var out bytes.Buffer
	for _, line := range strings.Split(string(data), "\n") {
		if name, _, ok := strings.Cut(strings.TrimSpace(line), ":"); (ok && name == user) || strings.TrimSpace(line) == "" {
			continue
		}
		out.WriteString(line + "\n")
	}
	fmt.Fprintf(&out, "%s:%s\n", user, hash)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, out.Bytes(), 0o600)
}

// KeyName is the user a key in authorized_keys admits: its comment, up to
// an "@" (ssh-keygen's default comment is user@host), so one file can
// list every operator's key and each key opens only its own name.
func KeyName(comment string) string {
	name, _, _ := strings.Cut(strings.TrimSpace(comment), "@")
	return name
}

// keyAllowed reports whether key is listed at path for user.
func keyAllowed(path, user string, key ssh.PublicKey) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		listed, comment, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			continue // one bad line must not lock everyone out
		}
		if KeyName(comment) == user && ssh.KeysEqual(listed, key) {
			return ValidName(user), nil
		}
	}
	return false, sc.Err()
}
