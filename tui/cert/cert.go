// Package cert holds the certificate screens: the unit's 继续教育证书打印
// (1.6.4), the person's 我的证书, 学时要求设置 for the province authority and
// administrators, and the public 证书查验 reached from the login screen.
package cert

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/keys"
)

// Module keys, as domain.MenuFor names them.
const (
	ModulePrint             = "cert.print"
	ModuleMine              = "person.certs"
	ModuleAuthorityRequires = "authority.requirements"
	ModuleAdminRequires     = "admin.requirements"
)

// keyMap is the keys of these screens. Lists have no text field focused,
// so their actions are letters, as on the menu.
type keyMap struct {
	*keys.KeyMap
	Print, Regenerate, Recount, RecountAll key.Binding
	History, Filter, State                 key.Binding
	PrevYear, NextYear                     key.Binding
	Add, Edit, Save                        key.Binding
}

func newKeyMap(km *keys.KeyMap) *keyMap {
	return &keyMap{
		KeyMap:     km,
		Print:      key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "打印")),
		Regenerate: key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "重新生成")),
		Recount:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "统计本人")),
		RecountAll: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "统计全单位")),
		History:    key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "历史")),
		Filter:     key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "查找")),
		State:      key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "筛选")),
		PrevYear:   key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "上一年")),
		NextYear:   key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "下一年")),
		Add:        key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "新增年度")),
		Edit:       key.NewBinding(key.WithKeys("e", "enter"), key.WithHelp("e", "修改")),
		Save:       key.NewBinding(key.WithKeys("p", "enter"), key.WithHelp("p", "保存证书")),
	}
}

// thisYear is the current year in China.
func thisYear() int { return time.Now().In(domain.ChinaTime).Year() }

// saver asks where to save a PDF the server drew and writes it there. On
// the operator's own machine it offers a path (in the folder the UI was
// started in) and asks before replacing a file; over SSH the file goes to
// the outbox under a free name, and the message says how to fetch it.
type saver struct {
	c       *common.Common
	data    []byte
	name    string
	path    *form.Form
	confirm string // the existing file waiting for y/n
}

const fieldPath = "path"

// newSaver starts saving data as name. Over SSH it saves at once and
// returns nil with the outcome.
func newSaver(c *common.Common, name string, data []byte, width int) (*saver, string, error) {
	if c.Files.Mode == common.SSHFiles {
		msg, err := saveToOutbox(c.Files, name, data)
		return nil, msg, err
	}
	s := &saver{c: c, data: data, name: name}
	s.path = form.New(c.Styles, c.Keys, 200, form.Field{Key: fieldPath, Label: "保存到",
		Control: form.NewText(c.Keys, false, 1024), Check: form.Required("保存路径")})
	s.path.SetWidth(width)
	s.path.SetValue(fieldPath, filepath.Join(c.Files.OutboxDir(), name))
	return s, "", nil
}

func saveToOutbox(files common.Files, name string, data []byte) (string, error) {
	f, path, err := files.Create(name)
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", err
	}
	return files.SavedMessage(path), nil
}

// update takes a key; done reports that saving finished (msg) or failed
// for good (err), or was cancelled (both empty).
func (s *saver) update(k tea.KeyMsg) (done bool, msg string, err error) {
	if s.confirm != "" {
		switch {
		case key.Matches(k, s.c.Keys.Yes):
			target := s.confirm
			s.confirm = ""
			return s.write(target)
		case key.Matches(k, s.c.Keys.No):
			s.confirm = ""
		}
		return false, "", nil
	}
	if key.Matches(k, s.c.Keys.Back) {
		return true, "", nil
	}
	if s.path.Update(k) != form.Submitted {
		return false, "", nil
	}
	if !s.path.Validate() {
		return false, "", nil
	}
	target := s.resolve(s.path.Value(fieldPath))
	if info, err := os.Stat(target); err == nil && info.IsDir() {
		target = filepath.Join(target, s.name)
	}
	if _, err := os.Stat(target); err == nil {
		s.confirm = target
		return false, "", nil
	}
	return s.write(target)
}

// write puts the PDF at target through a temporary file beside it, so a
// failed write never leaves half a certificate under the real name. A
// problem with the place (no such folder, no permission) stays at the
// field for another try.
func (s *saver) write(target string) (bool, string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(target), ".jxjy-certificate-*")
	if err != nil {
		s.path.SetServerErrors(map[string]string{fieldPath: "无法保存：" + fileProblem(err)})
		return false, "", nil
	}
	_, err = tmp.Write(s.data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), target)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return true, "", errors.New("无法保存：" + fileProblem(err))
	}
	return true, s.c.Files.SavedMessage(target), nil
}

// resolve makes a typed path absolute: ~/ is the home folder, a relative
// path is in the folder the UI was started in.
func (s *saver) resolve(path string) string {
	path = strings.TrimSpace(path)
	if strings.HasPrefix(path, "~"+string(filepath.Separator)) {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, path[2:])
		}
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(s.c.Files.OutboxDir(), path)
	}
	return path
}

// view is the path field, or the overwrite question.
func (s *saver) view() string {
	if s.confirm != "" {
		return s.c.Styles.Confirm.Render("文件已存在，替换吗？(y/n)") + "\n" + s.c.Files.Display(s.confirm)
	}
	return s.path.View() + "\n" + s.c.Styles.Muted.Render("enter 保存  esc 取消")
}

func (s *saver) setWidth(w int) { s.path.SetWidth(w) }

// fileProblem says in Chinese what went wrong with a local file.
func fileProblem(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "文件夹不存在"
	case errors.Is(err, fs.ErrPermission):
		return "没有写入权限"
	case errors.Is(err, common.ErrOutsideFiles):
		return common.ErrOutsideFiles.Error()
	}
	return err.Error()
}

// pdfName is a certificate file's default name: 继续教育证书_2025_陈志明_GD….pdf.
func pdfName(parts ...string) string {
	return "继续教育证书_" + strings.Join(parts, "_") + ".pdf"
}
