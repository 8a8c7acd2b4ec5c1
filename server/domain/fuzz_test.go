package domain

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets for the validators every form and import goes through; run
// one for longer with, e.g.,
//
//	go test -run '^$' -fuzz '^FuzzParseIDNumber$' -fuzztime 60s ./server/domain
//
// A validator must never panic, must answer every input with a value or a
// Chinese message, and must accept only what its rule describes.

var fuzzToday = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{
		"440106199003072517", "11010519491231002X", "11010519491231002x", " 440106199003072517 ",
		"４４０１０６１９９００３０７２５１７", "440106199002302517", "44010619900307251", "", "0" + strings.Repeat("1", 17),
		"44010620990307251X", "440106190001012517", "身份证号身份证号身份证号身份证号身份", "\xff\xfe440106199003072517",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		info, msg := ParseIDNumber(s, fuzzToday)
		if msg != "" {
			if info != (IDInfo{}) {
				t.Fatalf("%q refused (%s) with facts %+v", s, msg, info)
			}
			return
		}
		n := info.Number
		if len(n) != 18 || IDCheckChar(n[:17]) != n[17] || info.AreaCode != n[:6] {
			t.Fatalf("%q accepted as %+v", s, info)
		}
		if info.Birth.After(fuzzToday) || info.Birth.Year() < 1900 || (info.Gender != "男" && info.Gender != "女") {
			t.Fatalf("%q accepted with facts %+v", s, info)
		}
		// The normal form is a fixed point.
		if again, msg := ParseIDNumber(n, fuzzToday); msg != "" || again != info {
			t.Fatalf("%q: normal form %q not accepted again (%s)", s, n, msg)
		}
	})
}

func FuzzCheckUSCC(f *testing.F) {
	for _, s := range []string{
		"91440106MA59T2Q7XE", "91440106MA59T2Q7X", "91440106ma59t2q7xe", "", "9144010６MA59T2Q7XE",
		"91440106MA59T2Q7XI", strings.Repeat("Z", 18), "９１４４０１０６ＭＡ５９Ｔ２Ｑ７ＸＥ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = NormalizeUSCC(s)
		if CheckUSCC(s) != "" {
			return
		}
		if len(s) != 18 || !utf8.ValidString(s) || USCCCheckChar(s[:17]) != s[17] {
			t.Fatalf("%q accepted", s)
		}
		for i := 0; i < 18; i++ {
			if !strings.ContainsRune(USCCCharset, rune(s[i])) {
				t.Fatalf("%q accepted with %q", s, s[i])
			}
		}
	})
}

func FuzzCheckMobileAndContacts(f *testing.F) {
	for _, s := range []string{"13926012345", "12926012345", "1392601234", "", "１３９２６０１２３４５", "020-38881234",
		"510620", "hr@tianhe-demo.com.cn", "a@b", strings.Repeat("9", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if CheckMobile(s) == "" && (len(s) != 11 || s[0] != '1' || strings.Trim(s, "0123456789") != "") {
			t.Fatalf("mobile %q accepted", s)
		}
		if CheckPostalCode(s) == "" && (len(s) != 6 || strings.Trim(s, "0123456789") != "") {
			t.Fatalf("postal code %q accepted", s)
		}
		if CheckPhone(s) == "" && (len(s) < 6 || len(s) > 20 || strings.Trim(s, "0123456789-") != "") {
			t.Fatalf("phone %q accepted", s)
		}
		if CheckEmail(s) == "" && (len(s) > 254 || strings.Count(s, "@") != 1) {
			t.Fatalf("e-mail %q accepted", s)
		}
		_ = CheckUsername(s)
		_ = CheckPassword(s)
	})
}

func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"1", "1.5", "0.25", "１２．５", " 8 ", "", "1e6", "1e7", "NaN", "-Inf", "0x10", "-3.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, msg := ParseHours(s)
		if msg != "" {
			if h != 0 {
				t.Fatalf("%q refused (%s) with %d", s, msg, h)
			}
			return
		}
		if h > 2e6 || h < -2e6 {
			t.Fatalf("%q accepted as %d half-hours", s, h)
		}
		if again, msg := ParseHours(h.String()); msg != "" || again != h {
			t.Fatalf("%q: %d does not read back from %q (%s)", s, h, h.String(), msg)
		}
	})
}
