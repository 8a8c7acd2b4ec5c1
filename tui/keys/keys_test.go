package keys

import (
	"reflect"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
)

// The screen-wide keys are taken before a text field sees them, so they
// must not be a key the field edits with.
func TestGlobalKeysDoNotShadowTextEditing(t *testing.T) {
	km := New(false)
	editing := map[string]bool{}
	ti := reflect.ValueOf(textinput.DefaultKeyMap)
	for i := 0; i < ti.NumField(); i++ {
		name := ti.Type().Field(i).Name
		if name == "AcceptSuggestion" || name == "NextSuggestion" || name == "PrevSuggestion" || name == "Paste" {
			continue // disabled in every field
		}
		for _, k := range ti.Field(i).Interface().(key.Binding).Keys() {
			editing[k] = true
		}
	}
	for name, b := range map[string]key.Binding{
		"RefreshCaptcha": km.RefreshCaptcha, "Register": km.Register, "RegisterPerson": km.RegisterPerson, "Verify": km.Verify, "Reload": km.Reload,
		"Logout": km.Logout, "Help": km.Help, "Quit": km.Quit,
		"Save": km.Save, "SendReview": km.SendReview, "NextSection": km.NextSection, "PrevSection": km.PrevSection,
	} {
		for _, k := range b.Keys() {
			if editing[k] {
				t.Errorf("%s key %q also edits text", name, k)
			}
		}
	}
}

func TestASCIIHelpAvoidsArrows(t *testing.T) {
	for _, b := range []key.Binding{New(true).Up, New(true).Down, New(true).Choose} {
		for _, r := range b.Help().Key {
			if r > 0x7e {
				t.Errorf("ASCII help key %q has %q", b.Help().Key, r)
			}
		}
	}
}
