package domain

import (
	"encoding/json"
	"testing"
)

func TestHours(t *testing.T) {
	for in, want := range map[string]Hours{"1.5": 3, "2": 4, " 0.5 ": 1, "１．５": 3, "8.0": 16, "0": 0} {
		got, msg := ParseHours(in)
		if msg != "" || got != want {
			t.Errorf("ParseHours(%q) = %d %q, want %d", in, got, msg, want)
		}
	}
	for _, in := range []string{"1.25", "abc", "", "1e9"} {
		if _, msg := ParseHours(in); msg == "" {
			t.Errorf("ParseHours(%q) accepted", in)
		}
	}
	for h, want := range map[Hours]string{3: "1.5", 4: "2", 0: "0", 1: "0.5", -1: "-0.5", -3: "-1.5"} {
		if h.String() != want {
			t.Errorf("%d.String() = %s, want %s", h, h.String(), want)
		}
	}
	var v struct{ H Hours }
	if err := json.Unmarshal([]byte(`{"H": 2.5}`), &v); err != nil || v.H != 5 {
		t.Fatalf("unmarshal: %v %d", err, v.H)
	}
	if err := json.Unmarshal([]byte(`{"H": 2.3}`), &v); err == nil {
		t.Fatal("2.3 hours accepted")
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"H":2.5}` {
		t.Fatalf("marshal = %s", b)
	}
	if NormalizeInput("　４４０１０６ ") != "440106" {
		t.Fatal("full-width not normalised")
	}
}
