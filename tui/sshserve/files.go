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
	"sync/atomic"
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

// refusal is a request the file area turns down, said in Chinese for the
// operator and in English for SFTP clients' logs; SFTP gets it as
// permission denied with this text.
type refusal struct{ zh, en string }

func (r refusal) Error() string { return r.zh + "（" + r.en + "）" }
func (r refusal) Unwrap() error { return sftp.ErrSSHFxPermissionDenied }

var (
	errUploadOutsideInbox = refusal{"上传的文件只能放进 inbox/", "uploads go into inbox/ only"}
	errNoFolders          = refusal{"不能创建或复制文件夹，请逐个复制文件", "folders cannot be created or copied; copy files one by one"}
	errBoxesStay          = refusal{"inbox/ 和 outbox/ 不能改名、移动或删除", "inbox/ and outbox/ cannot be renamed, moved or removed"}
	errOnlyBoxFiles       = refusal{"只能改名或删除 inbox/、outbox/ 里的文件，且不能移出这两个文件夹", "only files in inbox/ and outbox/ can be renamed or removed, and only within them"}
	// A link could only serve to point out of the user's folder.
	errNoLinks = refusal{"不支持链接", "links are not supported"}
)

// scpRefusal ends the refusal's line: legacy scp prints the error as wish
// sends it, and then its own "lost connection".
type scpRefusal struct{ error }

func (r scpRefusal) Error() string { return r.error.Error() + "\n" }
func (r scpRefusal) Unwrap() error { return r.error }

func forSCP(err error) error {
	var r refusal
	if errors.As(err, &r) {
		return scpRefusal{err}
	}
	return err
}

// isBox reports whether p (from rel) is the user's folder or one of its
// two boxes, which stay as they are.
func isBox(p string) bool { return p == "." || p == common.InboxName || p == common.OutboxName }

// inBox reports whether p (from rel) names an entry directly in inbox/ or
// outbox/; box is which.
func inBox(p string) (box string, ok bool) {
	box, name, found := strings.Cut(p, "/")
	return box, found && name != "" && !strings.Contains(name, "/") &&
		(box == common.InboxName || box == common.OutboxName)
}

// uploadTarget is where a client's upload path lands, if that is a file
// directly in inbox/: the only place the UI looks for uploads.
func uploadTarget(p string) (string, error) {
	r := rel(p)
	if box, ok := inBox(r); !ok || box != common.InboxName {
		return "", errUploadOutsideInbox
	}
	return r, nil
}

// movable is a path that may be renamed, moved or removed.
func movable(p string) (string, error) {
	r := rel(p)
	if isBox(r) {
		return "", errBoxesStay
	}
	if _, ok := inBox(r); !ok {
		return "", errOnlyBoxFiles
	}
	return r, nil
}

// logTransfer writes one line for each file operation: what, which file,
// how many bytes, and how it went.
func logTransfer(log *slog.Logger, via, direction, file string, size int64, err error) {
	attrs := []any{"via", via, "direction", direction, "file", file, "size", size}
	var r refusal
	switch {
	case err == nil:
		log.Info("file transfer", append(attrs, "result", "ok")...)
	case errors.As(err, &r):
		log.Warn("file transfer", append(attrs, "result", "refused", "why", r.en)...)
	default:
		log.Warn("file transfer", append(attrs, "result", "failed", "err", err)...)
	}
}

// scpHandler serves legacy scp (`scp -O`, and OpenSSH before 9.0, which
// Windows still ships) from the user's folder: single files, no
// recursion, no globbing; uploads into inbox/ only.
type scpHandler struct {
	files string
	log   func(ssh.Session) *slog.Logger
}

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

func (h scpHandler) WalkDir(s ssh.Session, p string, _ fs.WalkDirFunc) error {
	logTransfer(h.log(s), "scp", "download", p, 0, errNoFolders)
	return forSCP(errNoFolders)
}

func (scpHandler) NewDirEntry(ssh.Session, string) (*scp.DirEntry, error) {
	return nil, forSCP(errNoFolders)
}

func (h scpHandler) NewFileEntry(s ssh.Session, p string) (*scp.FileEntry, func() error, error) {
	e, closer, err := h.openDownload(s, p)
	if err != nil {
		logTransfer(h.log(s), "scp", "download", p, 0, err)
	}
	return e, closer, err
}

func (h scpHandler) openDownload(s ssh.Session, p string) (*scp.FileEntry, func() error, error) {
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
	r := &countingReader{r: f}
	closer := func() error {
		err := f.Close()
		if err == nil && r.n < info.Size() {
			err = fmt.Errorf("sent %d of %d bytes", r.n, info.Size())
		}
		logTransfer(h.log(s), "scp", "download", rel(p), r.n, err)
		return err
	}
	return &scp.FileEntry{
		Name: info.Name(), Filepath: p, Mode: info.Mode().Perm(), Size: info.Size(),
		Mtime: info.ModTime().Unix(), Atime: info.ModTime().Unix(), Reader: r,
	}, closer, nil
}

func (h scpHandler) Mkdir(s ssh.Session, e *scp.DirEntry) error {
	logTransfer(h.log(s), "scp", "upload", e.Filepath, 0, errNoFolders)
	return forSCP(errNoFolders)
}

// Write stores an uploaded file. The target the client named is a folder
// (`scp f user@host:inbox/`) or a file name (`…:inbox/new.xlsx`); wish
// passes both as target/name.
func (h scpHandler) Write(s ssh.Session, e *scp.FileEntry) (int64, error) {
	target, n, err := h.write(s, e)
	if err == nil && n != e.Size {
		err = fmt.Errorf("received %d of %d bytes", n, e.Size)
	}
	logTransfer(h.log(s), "scp", "upload", target, n, err)
	return n, forSCP(err)
}

func (h scpHandler) write(s ssh.Session, e *scp.FileEntry) (string, int64, error) {
	root, err := h.root(s)
	if err != nil {
		return e.Filepath, 0, err
	}
	defer root.Close()
	target := rel(e.Filepath)
	if dir := path.Dir(target); dir != "." {
		if info, err := root.Stat(dir); err != nil || !info.IsDir() {
			target = dir
		}
	}
	if target, err = uploadTarget(target); err != nil {
		return e.Filepath, 0, err
	}
	f, err := root.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return target, 0, err
	}
	n, err := io.Copy(f, e.Reader)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && e.Mtime > 0 {
		_ = root.Chtimes(target, time.Unix(e.Atime, 0), time.Unix(e.Mtime, 0))
	}
	return target, n, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// sftpFS serves one SFTP session from the user's folder. Modern OpenSSH
// scp uses SFTP too.
type sftpFS struct {
	root *os.Root
	log  *slog.Logger
}

func (h sftpFS) handlers() sftp.Handlers {
	return sftp.Handlers{FileGet: h, FilePut: h, FileCmd: h, FileList: h}
}

func (h sftpFS) Fileread(r *sftp.Request) (io.ReaderAt, error) {
	p := rel(r.Filepath)
	f, err := h.root.Open(p)
	if err == nil {
		if info, serr := f.Stat(); serr != nil || info.IsDir() {
			f.Close()
			err = fmt.Errorf("%s is not a file", r.Filepath)
		}
	}
	if err != nil {
		logTransfer(h.log, "sftp", "download", p, 0, err)
		return nil, err
	}
	return &loggedFile{File: f, log: h.log, direction: "download", name: p}, nil
}

func (h sftpFS) Filewrite(r *sftp.Request) (io.WriterAt, error) {
	p, err := uploadTarget(r.Filepath)
	if err != nil {
		logTransfer(h.log, "sftp", "upload", rel(r.Filepath), 0, err)
		return nil, err
	}
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
	f, err := h.root.OpenFile(p, flags, 0o600)
	if err != nil {
		logTransfer(h.log, "sftp", "upload", p, 0, err)
		return nil, err
	}
	return &loggedFile{File: f, log: h.log, direction: "upload", name: p}, nil
}

func (h sftpFS) Filecmd(r *sftp.Request) error {
	p := rel(r.Filepath)
	switch r.Method {
	case "Setstat":
		if !r.AttrFlags().Size {
			return nil // modes and times are the server's business
		}
		p, err := uploadTarget(r.Filepath)
		if err != nil {
			return err
		}
		f, err := h.root.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Truncate(int64(r.Attributes().Size))
	case "Rename", "PosixRename":
		err := h.rename(r.Filepath, r.Target)
		logTransfer(h.log, "sftp", "rename", p+" -> "+rel(r.Target), 0, err)
		return err
	case "Remove":
		var size int64
		from, err := movable(r.Filepath)
		if err == nil {
			if info, serr := h.root.Lstat(from); serr == nil {
				size = info.Size()
			}
			err = h.root.Remove(from)
		}
		logTransfer(h.log, "sftp", "remove", p, size, err)
		return err
	case "Rmdir":
		// Only a folder left from before folders were refused.
		err := error(errBoxesStay)
		if !isBox(p) {
			err = h.root.Remove(p)
		}
		logTransfer(h.log, "sftp", "rmdir", p, 0, err)
		return err
	case "Mkdir":
		logTransfer(h.log, "sftp", "mkdir", p, 0, errNoFolders)
		return errNoFolders
	case "Link", "Symlink":
		return errNoLinks
	}
	return sftp.ErrSSHFxOpUnsupported
}

// rename moves a file within inbox/ and outbox/; the boxes themselves stay.
func (h sftpFS) rename(from, to string) error {
	src, err := movable(from)
	if err != nil {
		return err
	}
	dst := rel(to)
	if isBox(dst) {
		return errBoxesStay
	}
	if _, ok := inBox(dst); !ok {
		return errOnlyBoxFiles
	}
	if info, err := h.root.Lstat(src); err == nil && !info.Mode().IsRegular() {
		return errOnlyBoxFiles
	}
	return h.root.Rename(src, dst)
}

// loggedFile is an open SFTP transfer; closing it logs the transfer.
type loggedFile struct {
	*os.File
	log       *slog.Logger
	direction string
	name      string
	bytes     atomic.Int64
}

func (f *loggedFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := f.File.ReadAt(p, off)
	f.bytes.Add(int64(n))
	return n, err
}

func (f *loggedFile) WriteAt(p []byte, off int64) (int, error) {
	n, err := f.File.WriteAt(p, off)
	f.bytes.Add(int64(n))
	return n, err
}

func (f *loggedFile) Close() error {
	size := f.bytes.Load()
	if info, err := f.Stat(); err == nil && f.direction == "upload" {
		size = info.Size()
	}
	err := f.File.Close()
	logTransfer(f.log, "sftp", f.direction, f.name, size, err)
	return err
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
		srv := sftp.NewRequestServer(s, sftpFS{root: root, log: l}.handlers(), sftp.WithStartDirectory("/"))
		// Serve returns when the client closes; the caller then sends the
		// exit status the client waits for.
		err = srv.Serve()
		if errors.Is(err, io.EOF) {
			err = nil
		}
		l.Info("sftp end", "err", err)
	}
}
