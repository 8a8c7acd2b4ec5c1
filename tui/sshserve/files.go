package sshserve

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish/scp"
	"github.com/pkg/sftp"

	"jxjy/tui/common"
)

// area is one SSH user's folder, <files>/<user>, holding inbox/ and
// outbox/. It is the root of everything the user's scp and sftp see: "/"
// is the folder itself, ".." stops there, and os.Root refuses any link
// that leads out of it.
type area struct{ dir string }

// userArea makes sure user's folder and its inbox and outbox exist.
func userArea(filesDir, user string) (area, error) {
	if !ValidName(user) {
		return area{}, fmt.Errorf("invalid user name %q", user)
	}
	a := area{dir: filepath.Join(filesDir, user)}
	for _, d := range []string{a.dir, filepath.Join(a.dir, common.InboxName), filepath.Join(a.dir, common.OutboxName)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return area{}, err
		}
	}
	return a, nil
}

func (a area) open() (*os.Root, error) { return os.OpenRoot(a.dir) }

// rel turns a client's path (absolute in the user's folder, or relative to
// it) into a path inside the folder; ".." cannot climb above it.
func rel(p string) string {
	r := path.Clean("/" + filepath.ToSlash(p))[1:]
	if r == "" {
		return "."
	}
	return r
}

// errNoLinks refuses link creation and reading: a link could only serve to
// point out of the user's folder.
var errNoLinks = errors.New("links are not supported")

// scpHandler serves legacy scp (`scp -O`, and OpenSSH before 9.0, which
// Windows still ships) from the user's folder: single files, no
// recursion, no globbing.
type scpHandler struct{ files string }

var _ scp.Handler = scpHandler{}

func (h scpHandler) root(s ssh.Session) (*os.Root, error) {
	a, err := userArea(h.files, s.User())
	if err != nil {
		return nil, err
	}
	return a.open()
}

// awaitSCPAcks lets a legacy scp download end the way scp expects: wish
// writes the file and returns without reading the client's
// acknowledgements, and closing the channel then cuts the client off
// before it has sent them ("lost connection"). One file (we send no
// folders) is acknowledged four times: ready, times, header, data.
func awaitSCPAcks(next ssh.Handler) ssh.Handler {
	return func(s ssh.Session) {
		next(s)
		if info := scp.GetInfo(s.Command()); !info.Ok || info.Op != scp.OpCopyToClient {
			return
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, _ = io.ReadFull(s, make([]byte, 4))
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
	}
}

func (scpHandler) Glob(_ ssh.Session, p string) ([]string, error) { return []string{p}, nil }

func (scpHandler) WalkDir(ssh.Session, string, fs.WalkDirFunc) error {
	return errors.New("folders cannot be copied; copy files one by one")
}

func (scpHandler) NewDirEntry(ssh.Session, string) (*scp.DirEntry, error) {
	return nil, errors.New("folders cannot be copied; copy files one by one")
}

func (h scpHandler) NewFileEntry(s ssh.Session, p string) (*scp.FileEntry, func() error, error) {
	root, err := h.root(s)
	if err != nil {
		return nil, nil, err
	}
	defer root.Close()
	f, err := root.Open(rel(p))
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a file", p)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return &scp.FileEntry{
		Name: info.Name(), Filepath: p, Mode: info.Mode().Perm(), Size: info.Size(),
		Mtime: info.ModTime().Unix(), Atime: info.ModTime().Unix(), Reader: f,
	}, f.Close, nil
}

func (scpHandler) Mkdir(ssh.Session, *scp.DirEntry) error {
	return errors.New("folders cannot be copied; copy files one by one")
}

// Write stores an uploaded file. The target the client named is a folder
// (`scp f user@host:inbox/`) or a file name (`…:inbox/new.xlsx`); wish
// passes both as target/name.
func (h scpHandler) Write(s ssh.Session, e *scp.FileEntry) (int64, error) {
	root, err := h.root(s)
	if err != nil {
		return 0, err
	}
	defer root.Close()
	target := rel(e.Filepath)
	if dir := path.Dir(target); dir != "." {
		if info, err := root.Stat(dir); err != nil || !info.IsDir() {
			target = dir
		}
	}
	f, err := root.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, e.Reader)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && e.Mtime > 0 {
		_ = root.Chtimes(target, time.Unix(e.Atime, 0), time.Unix(e.Mtime, 0))
	}
	return n, err
}

// sftpFS serves one SFTP session from the user's folder. Modern OpenSSH
// scp uses SFTP too.
type sftpFS struct{ root *os.Root }

func (h sftpFS) handlers() sftp.Handlers {
	return sftp.Handlers{FileGet: h, FilePut: h, FileCmd: h, FileList: h}
}

func (h sftpFS) Fileread(r *sftp.Request) (io.ReaderAt, error) {
	f, err := h.root.Open(rel(r.Filepath))
	if err != nil {
		return nil, err
	}
	if info, err := f.Stat(); err != nil || info.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s is not a file", r.Filepath)
	}
	return f, nil
}

func (h sftpFS) Filewrite(r *sftp.Request) (io.WriterAt, error) {
	fl := r.Pflags()
	flags := os.O_WRONLY
	if fl.Creat {
		flags |= os.O_CREATE
	}
	if fl.Trunc {
		flags |= os.O_TRUNC
	}
	if fl.Excl {
		flags |= os.O_EXCL
	}
	return h.root.OpenFile(rel(r.Filepath), flags, 0o600)
}

func (h sftpFS) Filecmd(r *sftp.Request) error {
	p := rel(r.Filepath)
	switch r.Method {
	case "Setstat":
		if r.AttrFlags().Size {
			f, err := h.root.OpenFile(p, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Truncate(int64(r.Attributes().Size))
		}
		return nil // modes and times are the server's business
	case "Rename", "PosixRename":
		return h.root.Rename(p, rel(r.Target))
	case "Rmdir", "Remove":
		if p == "." || p == common.InboxName || p == common.OutboxName {
			return fs.ErrPermission
		}
		return h.root.Remove(p)
	case "Mkdir":
		return h.root.Mkdir(p, 0o700)
	case "Link", "Symlink":
		return errNoLinks
	}
	return sftp.ErrSSHFxOpUnsupported
}

func (h sftpFS) Filelist(r *sftp.Request) (sftp.ListerAt, error) {
	p := rel(r.Filepath)
	switch r.Method {
	case "List":
		d, err := h.root.Open(p)
		if err != nil {
			return nil, err
		}
		defer d.Close()
		entries, err := d.ReadDir(-1)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
		infos := make([]os.FileInfo, 0, len(entries))
		for _, e := range entries {
			if info, err := e.Info(); err == nil {
				infos = append(infos, info)
			}
		}
		return listerAt(infos), nil
	case "Stat":
		info, err := h.root.Stat(p)
		if err != nil {
			return nil, err
		}
		return listerAt{info}, nil
	case "Readlink":
		return nil, errNoLinks
	}
	return nil, sftp.ErrSSHFxOpUnsupported
}

// Lstat answers like Stat; links are never followed out anyway.
func (h sftpFS) Lstat(r *sftp.Request) (sftp.ListerAt, error) {
	info, err := h.root.Lstat(rel(r.Filepath))
	if err != nil {
		return nil, err
	}
	return listerAt{info}, nil
}

type listerAt []os.FileInfo

func (l listerAt) ListAt(out []os.FileInfo, offset int64) (int, error) {
	if offset >= int64(len(l)) {
		return 0, io.EOF
	}
	n := copy(out, l[offset:])
	if n < len(out) {
		return n, io.EOF
	}
	return n, nil
}

// serveSFTP is the sftp subsystem.
func serveSFTP(filesDir string, log func(ssh.Session) *slog.Logger) ssh.SubsystemHandler {
	return func(s ssh.Session) {
		l := log(s)
		a, err := userArea(filesDir, s.User())
		if err != nil {
			l.Warn("sftp refused", "err", err)
			return
		}
		root, err := a.open()
		if err != nil {
			l.Error("sftp", "err", err)
			return
		}
		defer root.Close()
		l.Info("sftp start")
		srv := sftp.NewRequestServer(s, sftpFS{root: root}.handlers(), sftp.WithStartDirectory("/"))
		// Serve returns when the client closes; the caller then sends the
		// exit status the client waits for.
		err = srv.Serve()
		if errors.Is(err, io.EOF) {
			err = nil
		}
		l.Info("sftp end", "err", err)
	}
}
