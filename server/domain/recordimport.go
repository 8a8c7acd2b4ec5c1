package domain

import (
	"context"
	"io"
	"time"
)

// Batch import of continuing-education records (继续教育记录批量申报, 1.6.2):
// the unit downloads an .xlsx template, fills it, uploads it to see every
// row's problems, then stores the valid rows (数据入库) as effective records.

// Limits of one import file.
const (
	// MaxImportBytes bounds the uploaded workbook.
	MaxImportBytes = 10 << 20
	// MaxImportRows bounds the data rows of one file; bigger batches are
	// split by the operator, so one transaction stays short.
	MaxImportRows = 20000
	// ImportValidationTTL is how long a validation waits for 数据入库.
	ImportValidationTTL = 2 * time.Hour
)

// ContentTypeXLSX is the media type of an .xlsx workbook.
const ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// ImportUpload is one workbook on its way to the server.
type ImportUpload struct {
	// Name is the file's name as the operator picked it; it only labels
	// the audit trail and the error report.
	Name string
	// Size is the file's length, or -1 when unknown; a file over
	// MaxImportBytes is refused before any byte is sent.
	Size int64
	Body io.Reader
	// Progress, if set, is told how the work advances: the upload's bytes
	// on the client, then the server's rows. It must not block.
	Progress func(ImportProgress)
}

// ImportStage names a step of the work on one file.
type ImportStage string

const (
	StageUpload   ImportStage = "upload"   // bytes sent to the server
	StageRead     ImportStage = "read"     // rows read from the workbook (total unknown)
	StageValidate ImportStage = "validate" // rows checked against the database
	StageStore    ImportStage = "store"    // records written
)

// Label is the stage's Chinese name.
func (s ImportStage) Label() string {
	switch s {
	case StageUpload:
		return "上传文件"
	case StageRead:
		return "读取表格"
	case StageValidate:
		return "校验数据"
	case StageStore:
		return "数据入库"
	}
	return string(s)
}

// ImportProgress is how far one stage has come; Total is 0 when unknown.
type ImportProgress struct {
	Stage ImportStage `json:"stage"`
	Done  int64       `json:"done"`
	Total int64       `json:"total"`
}

// ImportProblem is one problem of one row: the spreadsheet's row number,
// the column's header and what is wrong.
type ImportProblem struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"` // "" when the row as a whole is meant
	Message string `json:"message"`
	// Existing marks a row that is valid but already stored (the same
	// person, training content and start date): 入库 leaves it out, so a
	// file imported twice adds nothing the second time.
	Existing bool `json:"existing,omitempty"`
	// Warning marks a row left out that may not have been meant to be
	// (the template's example row holding real data); it is not an error.
	Warning bool `json:"warning,omitempty"`
}

// Kind is what the problem is counted under in the report's summary:
// its column, or the row as a whole.
func (p ImportProblem) Kind() string {
	switch {
	case p.Existing:
		return "已存在"
	case p.Warning:
		return "提示"
	case p.Column == "":
		return "整行"
	}
	return p.Column
}

// ImportReport is the verdict on every data row of a file. Rows =
// Valid + Invalid + Existing; Problems lists each problem, by row, and
// the Warnings rows left out that look filled in.
//
// A report of 上传校验 names the validation the server keeps: ID, the
// file's SHA256 and when it expires. 数据入库 of that ID stores exactly
// the rows counted Valid here.
type ImportReport struct {
	ID        string          `json:"id,omitempty"`
	SHA256    string          `json:"sha256,omitempty"`
	ExpiresAt time.Time       `json:"expires_at,omitzero"`
	FileName  string          `json:"file_name"`
	Sheet     string          `json:"sheet"`
	Rows      int             `json:"rows"`
	Valid     int             `json:"valid"`
	Invalid   int             `json:"invalid"`
	Existing  int             `json:"existing"`
	Warnings  int             `json:"warnings,omitempty"`
	Problems  []ImportProblem `json:"problems"`
}

// ImportResult is what 数据入库 did: the report as checked inside the
// storing transaction, and how many records it stored (Report.Valid).
type ImportResult struct {
	Report   ImportReport `json:"report"`
	Inserted int          `json:"inserted"`
}

// ImportLine is one line of the NDJSON answer a client asks for (Accept:
// application/x-ndjson) to follow an upload's work: progress lines, then
// one line with the Report (validation) or the Result (入库), or with the
// Error that ended the work.
type ImportLine struct {
	Progress *ImportProgress `json:"progress,omitempty"`
	Report   *ImportReport   `json:"report,omitempty"`
	Result   *ImportResult   `json:"result,omitempty"`
	Error    *Error          `json:"error,omitempty"`
}

// RecordImportService is 继续教育记录批量申报, for active units. A row's
// person must be a confirmed member of the importing unit, named as the
// unit recorded them; anyone else is reported as not the unit's, without
// telling whether the ID number exists elsewhere.
type RecordImportService interface {
	// ImportTemplate is the .xlsx template: the header, an example row,
	// drop-downs for 科目类别 and 培训形式, and a 填写说明 sheet.
	ImportTemplate(ctx context.Context) ([]byte, error)
	// ValidateImport reads the workbook and checks every row, storing no
	// record: it keeps the checked rows as a validation of the caller's,
	// named by the report's ID, for ImportValidated (a new one replaces
	// the caller's last). Errors: too_large, unsupported_content (not an
	// .xlsx, encrypted, damaged, or a decompression bomb), invalid (no
	// header, missing columns, no rows, too many rows), forbidden,
	// module_locked.
	ValidateImport(ctx context.Context, up ImportUpload) (ImportReport, error)
	// ImportValidated stores the rows validation id counted valid, exactly
	// those, as effective records in one transaction, and ends the
	// validation. Inside the transaction it checks again only what the
	// database can have changed since: the persons' affiliation and
	// records stored meanwhile. Errors: not_found (unknown, expired,
	// already stored, replaced, or another caller's), conflict (a row
	// changed since: nothing was stored), forbidden, module_locked.
	ImportValidated(ctx context.Context, id string, progress func(ImportProgress)) (ImportResult, error)
	// ImportRecords validates the workbook and stores its valid rows in
	// one call, for scripts; invalid and existing rows are left out.
	// Errors: as ValidateImport, and conflict (someone stored a record of
	// the same key meanwhile: nothing was stored).
	ImportRecords(ctx context.Context, up ImportUpload) (ImportResult, error)
	// ValidationErrorReport is an .xlsx of validation id's invalid rows,
	// with their values as read and a 错误说明 column, to fix and upload
	// again. Errors: not_found as ImportValidated, invalid (no bad row).
	ValidationErrorReport(ctx context.Context, id string) ([]byte, error)
	// ImportErrorReport is ValidationErrorReport of a workbook sent again,
	// for scripts. Errors: as ValidateImport.
	ImportErrorReport(ctx context.Context, up ImportUpload) ([]byte, error)
}
