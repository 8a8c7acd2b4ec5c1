// Package pdftest reads certificate PDFs back in tests with the Debian
// tools a fresh machine lacks: without them a test is skipped with the
// package to install, except in CI (CI=true), whose .ci/run installs them
// and where their absence fails the test.
package pdftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Tool is the path of the first of names found, from the Debian package
// pkg.
func Tool(t testing.TB, pkg string, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	missing(t, names[0]+" not installed", pkg)
	return ""
}

func missing(t testing.TB, what, pkg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s in CI: .ci/run installs %s", what, pkg)
	}
	t.Skipf("%s (apt-get install %s)", what, pkg)
}

// cMaps is where poppler-data keeps the CMaps poppler needs to read text
// set in the PDF standard Chinese font.
const cMaps = "/usr/share/poppler/cMap/Adobe-GB1"

// File extracts the text of the PDF at path with pdftotext, keeping the
// layout; pages are separated by form feeds.
func File(t testing.TB, path string) string {
	t.Helper()
	tool := Tool(t, "poppler-utils", "pdftotext")
	if _, err := os.Stat(cMaps); err != nil {
		missing(t, "poppler-data not installed, pdftotext cannot read the standard Chinese font", "poppler-data")
	}
	out, err := exec.Command(tool, "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

// Text is File for a PDF in memory.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return File(t, path)
}
