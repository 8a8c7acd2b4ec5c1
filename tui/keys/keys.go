// Package keys is the one key map of the terminal UI, with help texts in
// Chinese. Screens read their bindings from it instead of matching strings.
package keys

import "github.com/charmbracelet/bubbles/key"

// KeyMap lists every binding. Keys that are plain characters (q, ?, j, k)
// only act while no text field has the keyboard.
type KeyMap struct {
	// Form navigation.
	Next   key.Binding // next field; enter on the last field submits
	Prev   key.Binding
	Submit key.Binding
	Back   key.Binding // leave a sub-screen

	// The menu (letters work there because it has no text field).
	Up   key.Binding
	Down key.Binding
	Open key.Binding

	// Pick lists that sit under a filter field, where letters are text.
	ListUp   key.Binding
	ListDown key.Binding
	Choose   key.Binding // help entry for ListUp/ListDown

	// Login screen.
	RefreshCaptcha key.Binding
	Register       key.Binding
	RegisterPerson key.Binding
	Verify         key.Binding // 证书查验, no login needed

	// Screens that load data.
	Reload key.Binding

	// Workflow screens (an application, a plan): keys that work while a
	// text field has the keyboard, so they are control keys.
	Save        key.Binding // 保存 a draft
	SendReview  key.Binding // 送审
	NextSection key.Binding // next panel of a detail (申请信息, 附件, 历史)
	PrevSection key.Binding

	// Everywhere.
	Help   key.Binding
	Logout key.Binding
	Quit   key.Binding // asks for confirmation
	Yes    key.Binding // answers the confirmation; ctrl+c again also quits
	No     key.Binding
}

// New builds the key map; ascii replaces the arrow glyphs in help texts,
// which are ambiguous-width and may be drawn two cells wide.
func New(ascii bool) *KeyMap {
	up, down, updown := "↑/k", "↓/j", "↑/↓"
	if ascii {
		up, down, updown = "up/k", "down/j", "up/down"
	}
	return &KeyMap{
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "下一项")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "上一项")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "下一项/提交")),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "返回")),

		Up:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp(up, "上移")),
		Down: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp(down, "下移")),
		Open: key.NewBinding(key.WithKeys("enter", "right", "l"), key.WithHelp("enter", "打开")),

		ListUp:   key.NewBinding(key.WithKeys("up")),
		ListDown: key.NewBinding(key.WithKeys("down")),
		Choose:   key.NewBinding(key.WithKeys("up", "down"), key.WithHelp(updown, "选择")),

		RefreshCaptcha: key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "换验证码")),
		Register:       key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", "单位注册")),
		RegisterPerson: key.NewBinding(key.WithKeys("ctrl+p"), key.WithHelp("ctrl+p", "个人注册")),
		Verify:         key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", "证书查验")),

		Reload: key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "刷新")),

		Save:        key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "保存")),
		SendReview:  key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "送审")),
		NextSection: key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", "下一栏")),
		PrevSection: key.NewBinding(key.WithKeys("ctrl+p"), key.WithHelp("ctrl+p", "上一栏")),

		Help:   key.NewBinding(key.WithKeys("?", "f1"), key.WithHelp("?/f1", "帮助")),
		Logout: key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "退出登录")),
		Quit:   key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q/ctrl+c", "退出")),
		Yes:    key.NewBinding(key.WithKeys("y", "Y", "ctrl+c"), key.WithHelp("y", "确定")),
		No:     key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "取消")),
	}
}
