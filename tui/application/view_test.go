package application

import (
	"regexp"
	"strings"
	"testing"

	"jxjy/tui/common"
	"jxjy/tui/textwidth"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]")

// A long value wraps under itself within the width, losing nothing.
func TestDetailLinesWrapWithinWidth(t *testing.T) {
	c := common.New(common.Services{}, false, "")
	address := "广州市天河区天河路385号太古汇一座18楼人力资源部"
	for _, w := range []int{30, 40, 54} {
		lines := detailLines(c, []detail{{"单位通讯地址", address}, {"统一社会信用代码", "91440106MA59T2Q7X5"}, {"职能简介", ""}}, w)
		var text strings.Builder
		for _, l := range lines {
			plain := ansi.ReplaceAllString(l, "")
			if textwidth.Width(plain) > w {
				t.Errorf("width %d: line %q is %d cells", w, plain, textwidth.Width(plain))
			}
			text.WriteString(strings.TrimSpace(strings.SplitN(plain, "：", 2)[len(strings.SplitN(plain, "：", 2))-1]))
		}
		if !strings.Contains(text.String(), address) || !strings.Contains(text.String(), "（未填写）") {
			t.Errorf("width %d lost text:\n%s", w, strings.Join(lines, "\n"))
		}
	}
}
