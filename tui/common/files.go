package common

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// FileMode says where the operator's files are.
type FileMode int

const (
	// LocalFiles: the UI runs on the operator's own machine, among their
	// files.
	LocalFiles FileMode = iota
	// SSHFiles: the UI runs on the server (jxjy ssh). The operator's files
	// reach it through an inbox and leave through an outbox, folders they
	// fill and empty with scp or sftp over the same SSH server.
	SSHFiles
)

// Folder names inside an SSH user's folder; scp and sftp paths use them.
const (
	InboxName  = "inbox"
	OutboxName = "outbox"
)

// Files is where file screens read and write. A screen picking a file to
// upload or import lists StartDir with ReadDir, goes up with Parent and
// opens the choice with Open; a screen saving a download, export, error
// report or certificate makes the file with Create and shows
// SavedMessage(path) to the operator. In SSH mode every one of these stays
// inside the user's folder, whatever path it is given.
type Files struct {
	Mode FileMode
	// Root is the SSH user's folder, holding inbox/ and outbox/.
	Root string
	// SSHUser, SSHHost and SSHPort are how the operator reaches the server,
	// for the scp commands shown on screen.
	SSHUser string
	SSHHost string
	SSHPort int
}

// ErrOutsideFiles refuses a path outside the SSH user's folder.
var ErrOutsideFiles = errors.New("只能访问本人的 inbox 和 outbox 文件夹")

// InboxDir is where files to upload or import are: the inbox over SSH,
// else the folder the UI was started in.
func (f Files) InboxDir() string {
	if f.Mode == SSHFiles {
		return filepath.Join(f.Root, InboxName)
	}
	return workingDir()
}

// OutboxDir is where saved files go: the outbox over SSH, else the folder
// the UI was started in.
func (f Files) OutboxDir() string {
	if f.Mode == SSHFiles {
		return filepath.Join(f.Root, OutboxName)
	}
	return workingDir()
}

// StartDir is where a file picker opens.
func (f Files) StartDir() string { return f.InboxDir() }

func workingDir() string {
	if d, err := os.Getwd(); err == nil {
		return d
	}
	return "."
}

// Parent is the folder above dir, or false where a picker must stop: the
// user's folder over SSH, the file system's root locally.
func (f Files) Parent(dir string) (string, bool) {
	dir = filepath.Clean(dir)
	up := filepath.Dir(dir)
	if up == dir {
		return dir, false
	}
	if f.Mode == SSHFiles {
		if _, err := f.inside(up); err != nil {
			return dir, false
		}
	}
	return up, true
}

// inside turns path into a path relative to Root, refusing anything that
// leads out of it. Links are not resolved here: os.Root refuses those that
// point out when the path is used.
func (f Files) inside(path string) (string, error) {
	if f.Root == "" || !filepath.IsAbs(path) {
		return "", ErrOutsideFiles
	}
	rel, err := filepath.Rel(filepath.Clean(f.Root), filepath.Clean(path))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", ErrOutsideFiles
	}
	return rel, nil
}

// ReadDir lists the folder dir, sorted by name.
func (f Files) ReadDir(dir string) ([]fs.DirEntry, error) {
	if f.Mode != SSHFiles {
		return os.ReadDir(dir)
	}
	rel, err := f.inside(dir)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(f.Root)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return fs.ReadDir(root.FS(), filepath.ToSlash(rel))
}

// Open opens the file at path for reading.
func (f Files) Open(path string) (*os.File, error) {
	if f.Mode != SSHFiles {
		return os.Open(path)
	}
	rel, err := f.inside(path)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(f.Root)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return root.Open(rel)
}

// Create makes a new file for name in OutboxDir and returns it with its
// path. It never replaces a file: when name is taken it tries name-2,
// name-3, … (before the extension). name is a file name, not a path;
// spaces become underscores so the scp command needs no quoting.
func (f Files) Create(name string) (*os.File, string, error) {
	name = strings.ReplaceAll(strings.TrimSpace(name), " ", "_")
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`+"\x00") {
		return nil, "", errors.New("文件名无效")
	}
	dir := f.OutboxDir()
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	var root *os.Root
	if f.Mode == SSHFiles {
		// Opened at the user's folder, not the outbox, so that an outbox
		// replaced by a link out of it is refused too.
		r, err := os.OpenRoot(f.Root)
		if err != nil {
			return nil, "", err
		}
		defer r.Close()
		root = r
	}
	for i := 1; ; i++ {
		candidate := name
		if i > 1 {
			candidate = stem + "-" + strconv.Itoa(i) + ext
		}
		var file *os.File
		var err error
		const flags = os.O_WRONLY | os.O_CREATE | os.O_EXCL
		if root != nil {
			file, err = root.OpenFile(OutboxName+"/"+candidate, flags, 0o600)
		} else {
			file, err = os.OpenFile(filepath.Join(dir, candidate), flags, 0o644)
		}
		if errors.Is(err, fs.ErrExist) && i < 1000 {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		return file, filepath.Join(dir, candidate), nil
	}
}

// Display is path as the operator should read it: over SSH relative to
// their folder ("outbox/证书.pdf"), locally as it is.
func (f Files) Display(path string) string {
	if f.Mode == SSHFiles {
		if rel, err := f.inside(path); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return path
}

// FetchCommand is what the operator runs on their own computer to fetch
// the file saved at path, e.g. `scp -P 2222 alice@jxjy.example:outbox/证书.pdf .`;
// "" when the UI runs locally.
func (f Files) FetchCommand(path string) string {
	if f.Mode != SSHFiles {
		return ""
	}
	return "scp" + f.portFlag() + " " + shellQuote(f.remote()+f.Display(path)) + " ."
}

// PutCommand is what the operator runs on their own computer to put a
// file into the inbox; "" when the UI runs locally.
func (f Files) PutCommand() string {
	if f.Mode != SSHFiles {
		return ""
	}
	return "scp" + f.portFlag() + " 文件名 " + shellQuote(f.remote()+InboxName+"/")
}

// SavedMessage tells the operator where a saved file is and, over SSH, how
// to fetch it.
func (f Files) SavedMessage(path string) string {
	if f.Mode != SSHFiles {
		return "已保存到 " + path
	}
	return "已保存到 " + f.Display(path) + "，请在本机执行：" + f.FetchCommand(path)
}

func (f Files) portFlag() string {
	if f.SSHPort == 0 || f.SSHPort == 22 {
		return ""
	}
	return " -P " + strconv.Itoa(f.SSHPort)
}

func (f Files) remote() string {
	host := f.SSHHost
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return f.SSHUser + "@" + host + ":"
}

// shellQuote quotes s for a POSIX shell when it holds anything but plain
// path characters (Chinese included).
func shellQuote(s string) string {
	plain := true
	for _, r := range s {
		if r < 0x80 && !strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-[]", r) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Resolve makes a typed path absolute, relative to dir; ~/ is the home
// folder on the operator's own machine (over SSH it is just a name).
func (f Files) Resolve(typed, dir string) string {
	path := strings.TrimSpace(typed)
	if strings.HasPrefix(path, "~"+string(filepath.Separator)) && f.Mode == LocalFiles {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, path[2:])
		}
	}
	if path != "" && !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	return path
}

// FileProblem says in Chinese what went wrong with a local file.
func FileProblem(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "文件或文件夹不存在"
	case errors.Is(err, fs.ErrPermission):
		return "没有访问权限"
	case errors.Is(err, ErrOutsideFiles):
		return ErrOutsideFiles.Error()
	}
	return err.Error()
}
