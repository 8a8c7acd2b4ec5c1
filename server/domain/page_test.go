package domain_test

import (
	"errors"
	"strings"
	"testing"

	"jxjy/server/domain"
)

// A cursor reads back as the key it was made of; anything else, or a key
// of the wrong shape for the list, is a bad request in Chinese.
func TestCursorRoundTripsAndRefusesForgeries(t *testing.T) {
	for _, key := range [][]int64{{1}, {9223372036854775807}, {1764000000000, 42}} {
		p := domain.PageRequest{After: domain.Cursor(key...)}
		got, err := p.Key(len(key))
		if err != nil || len(got) != len(key) {
			t.Fatalf("%v: %v %v", key, got, err)
		}
		for i := range key {
			if got[i] != key[i] {
				t.Fatalf("%v read back as %v", key, got)
			}
		}
		if err := p.CheckCursor(); err != nil {
			t.Fatalf("%v: %v", key, err)
		}
	}
	if key, err := (domain.PageRequest{}).Key(1); key != nil || err != nil {
		t.Fatalf("no cursor: %v %v", key, err)
	}
	for _, bad := range []string{"x", "-1", "+1", " 1", "1.", ".1", "1..2", "0x10", "１２", "9223372036854775808",
		strings.Repeat("1", 65), "1;DROP TABLE persons"} {
		p := domain.PageRequest{After: bad}
		_, keyErr := p.Key(1)
		for _, err := range []error{keyErr, p.CheckCursor()} {
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeBadRequest || !strings.Contains(de.Message, "翻页位置无效") {
				t.Fatalf("%q: %v", bad, err)
			}
		}
	}
	// A queue cursor (two parts) on an id-ordered list (one part).
	if _, err := (domain.PageRequest{After: "1764000000000.42"}).Key(1); domain.ErrorCode(err) != domain.CodeBadRequest {
		t.Fatalf("wrong shape: %v", err)
	}
}
