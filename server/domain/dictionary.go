package domain

import (
	"context"
	"strings"
	"unicode"
)

// EntityDictItem is a dictionary item in the audit trail (字典维护).
const EntityDictItem = "dict_item"

// Limits of a dictionary item's code and label.
const (
	DictCodeMaxLen  = 32
	DictLabelMaxLen = 50
)

// EditableDictKinds are the dictionaries 字典维护 shows, in menu order, with
// their names. Regions are GB/T 2260 reference data and not edited here.
var EditableDictKinds = []DictKindInfo{
	{Kind: DictUnitType, Name: "单位类型"},
	{Kind: DictCategory, Name: "科目类别", Fixed: true},
	{Kind: DictForm, Name: "学习形式"},
	{Kind: DictTitleLevel, Name: "职称级别"},
	{Kind: DictDishonestyType, Name: "失信类型"},
	{Kind: DictEducation, Name: "学历"},
}

// DictKindInfo names one editable dictionary. A Fixed dictionary's codes
// are used by business rules (the category minimums), so its items can be
// relabelled but neither added nor disabled.
type DictKindInfo struct {
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	Fixed bool   `json:"fixed,omitempty"`
}

// EditableDictKind returns the kind's description, false when 字典维护 does
// not edit it.
func EditableDictKind(kind string) (DictKindInfo, bool) {
	for _, k := range EditableDictKinds {
		if k.Kind == kind {
			return k, true
		}
	}
	return DictKindInfo{}, false
}

// Dictionary is one editable dictionary with all its items, disabled ones
// included, in their sort order.
type Dictionary struct {
	DictKindInfo
	Items []DictEntry `json:"items"`
}

// DictEntry is a dictionary item as the administrator maintains it.
type DictEntry struct {
	ID       int64  `json:"id"`
	Kind     string `json:"kind"`
	Code     string `json:"code"`
	Label    string `json:"label"`
	Sort     int    `json:"sort"`
	Disabled bool   `json:"disabled,omitempty"`
	Version  int    `json:"version"`
}

// State is the item's state as the screens show it.
func (e DictEntry) State() string {
	if e.Disabled {
		return "已停用"
	}
	return "启用"
}

// NewDictItem is an item to add to a dictionary.
type NewDictItem struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Normalize trims both fields.
func (n *NewDictItem) Normalize() {
	n.Code, n.Label = NormalizeInput(n.Code), strings.TrimSpace(n.Label)
}

// Validate checks the fields (after Normalize).
func (n NewDictItem) Validate() error {
	f := Fields{}
	f.Add("code", CheckDictCode(n.Code))
	f.Add("label", CheckDictLabel(n.Label))
	return f.Err()
}

// DictItemChange relabels an item and sets whether it is disabled; Version
// is the one the operator saw.
type DictItemChange struct {
	Label    string `json:"label"`
	Disabled bool   `json:"disabled"`
	Version  int    `json:"version"`
}

// CheckDictCode requires letters, digits and underscores: codes are stored
// in records and exported, so they stay plain ASCII.
func CheckDictCode(s string) string {
	if s == "" {
		return "请填写代码"
	}
	if len(s) > DictCodeMaxLen {
		return "代码不能超过32个字符"
	}
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return "代码只能包含字母、数字和下划线"
		}
	}
	return ""
}

// CheckDictLabel requires a Chinese name of at most DictLabelMaxLen
// characters without control characters.
func CheckDictLabel(s string) string {
	if msg := CheckText(s, DictLabelMaxLen, "名称"); msg != "" {
		if msg == "名称过长" {
			return "名称不能超过50个字"
		}
		return msg
	}
	han := false
	for _, r := range s {
		if unicode.IsControl(r) {
			return "名称含有不可见字符"
		}
		han = han || unicode.Is(unicode.Han, r)
	}
	if !han {
		return "名称应为中文"
	}
	return ""
}

// DictionaryAdmin is 字典维护, for administrators only.
type DictionaryAdmin interface {
	// Dictionaries lists the editable dictionaries with every item.
	// Errors: forbidden (not an admin).
	Dictionaries(ctx context.Context) ([]Dictionary, error)
	// AddDictItem appends an enabled item to kind.
	// Errors: forbidden, bad_request (kind not editable), invalid (fields
	// code, label; or a fixed kind), conflict (code or label taken in kind).
	AddDictItem(ctx context.Context, kind string, item NewDictItem) (DictEntry, error)
	// UpdateDictItem relabels, disables or enables an item.
	// Errors: forbidden, bad_request (kind not editable), not_found (code),
	// invalid (label; or disabling a fixed kind's item), conflict (stale
	// version, or label taken in kind).
	UpdateDictItem(ctx context.Context, kind, code string, change DictItemChange) (DictEntry, error)
}
