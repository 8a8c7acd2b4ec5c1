package recordimport

import (
	"io/fs"
	"path/filepath"
	"strings"
)

// isWorkbook is a name the picker offers.
func isWorkbook(name string) bool { return strings.EqualFold(filepath.Ext(name), ".xlsx") }

// offered keeps folders and workbooks in the picker, leaving out Excel's
// lock files (~$name.xlsx).
func offered(e fs.DirEntry) bool {
	return !strings.HasPrefix(e.Name(), "~$") && (e.IsDir() || isWorkbook(e.Name()))
}
