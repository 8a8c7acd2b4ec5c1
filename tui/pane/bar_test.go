package pane

import (
	"strings"
	"testing"

	"jxjy/tui/common"
)

// The bar is as wide as asked, filled in proportion, and never overflows.
func TestBarFillsInProportion(t *testing.T) {
	st := common.New(common.Services{}, false, "").Styles
	for _, tc := range []struct {
		fraction    float64
		w, full, of int
	}{{0.5, 12, 5, 10}, {0, 12, 0, 10}, {2, 12, 10, 10}, {1, 3, 4, 4}} {
		bar := Bar(st, tc.fraction, tc.w)
		if n := strings.Count(bar, "="); n != tc.full || strings.Count(bar, "-") != tc.of-tc.full {
			t.Errorf("Bar(%v, %d) = %q", tc.fraction, tc.w, bar)
		}
	}
}
