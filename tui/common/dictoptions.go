package common

import (
	"jxjy/server/domain"
	"jxjy/tui/form"
)

// DisabledMark follows the label of a disabled dictionary item wherever
// it is still offered.
const DisabledMark = "（已停用）"

// DictOptions are kind's items for a picker choosing new data: disabled
// items are left out, except keep — the value the record being edited
// already holds — which stays, marked, so the record shows what it holds
// and saves unchanged (the server accepts an unchanged disabled value).
func DictOptions(ref domain.Reference, kind, keep string) []form.Option {
	var out []form.Option
	for _, it := range ref.Dictionaries[kind] {
		switch {
		case !it.Disabled:
			out = append(out, form.Option{Value: it.Code, Label: it.Label})
		case it.Code == keep:
			out = append(out, form.Option{Value: it.Code, Label: it.Label + DisabledMark})
		}
	}
	return out
}
