// Package personnel holds the screens of persons and teachers: the unit's
// 专业技术人员信息确认, 专业技术人员信息维护 and 师资信息维护, the person's
// own 个人信息, and a person's self-registration.
package personnel

import (
	"github.com/charmbracelet/bubbles/key"

	"jxjy/tui/keys"
)

// Module keys, as domain.MenuFor names them.
const (
	ModuleConfirm  = "person.confirm"
	ModuleMaintain = "person.maintain"
	ModuleProfile  = "person.profile"
	ModuleTeachers = "teacher.maintain"
)

// keyMap is the list and record keys of these screens. List screens have
// no text field focused, so their actions are letters, as on the menu.
type keyMap struct {
	*keys.KeyMap
	Add, Edit, Detail, Filter key.Binding
	Accept, Refuse, Batch     key.Binding // 是, 否, 人员确认
	Toggle, Delete            key.Binding // 启用/禁用, 删除
	Claim, Withdraw           key.Binding // the person's own claim
}

func newKeyMap(km *keys.KeyMap) *keyMap {
	return &keyMap{
		KeyMap:   km,
		Add:      key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "新增")),
		Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "修改")),
		Detail:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "详情")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "筛选")),
		Accept:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "是")),
		Refuse:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "否")),
		Batch:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "人员确认")),
		Toggle:   key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "启用/禁用")),
		Delete:   key.NewBinding(key.WithKeys("x", "delete"), key.WithHelp("x", "删除")),
		Claim:    key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "申请加入单位")),
		Withdraw: key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "撤回申请")),
	}
}
