package certpdf

import (
	"os"
	"testing"

	"jxjy/server/domain"
)

func TestZZManual(t *testing.T) {
	for name, r := range map[string]*Renderer{"std": New("", "https://jxjy.example.gov.cn"), "noqr": New("", "")} {
		pdf, err := r.Render([]domain.Certificate{sample("陈志明", "GD2025440106000123")})
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile("/tmp/i19/"+name+".pdf", pdf, 0o644)
	}
}
