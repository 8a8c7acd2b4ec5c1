package xlsximport

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"jxjy/server/domain"
)

// Limits bound what one upload may cost the server.
type Limits struct {
	// MaxBytes bounds the file itself.
	MaxBytes int64
	// MaxUnzipped bounds the sum of the sizes the zip declares for its
	// parts; Go's zip reader refuses to inflate a part past its declared
	// size, so this bounds the inflated data too (decompression bombs).
	MaxUnzipped int64
	// MaxParts bounds the number of parts in the zip.
	MaxParts int
	// MaxRows bounds the data rows.
	MaxRows int
}

// DefaultLimits are the limits of an import.
func DefaultLimits() Limits {
	return Limits{MaxBytes: domain.MaxImportBytes, MaxUnzipped: 100 << 20, MaxParts: 1000, MaxRows: domain.MaxImportRows}
}

// inMemoryPartLimit is the largest part excelize keeps in memory; bigger
// worksheets and string tables are inflated to a temporary file and
// streamed from there.
const inMemoryPartLimit = 16 << 20

var (
	oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	zipSignature = []byte("PK\x03\x04")
	// encryptedPackage is the stream an encrypted OOXML file keeps inside
	// its OLE container, named in UTF-16LE in the container's directory.
	encryptedPackage = utf16LE("EncryptedPackage")
)

func utf16LE(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// Messages for files refused as a whole.
const (
	msgEmpty     = "文件为空，请选择填写好的导入模板"
	msgEncrypted = "文件已加密（设置了打开密码），无法读取。请在 Excel 中取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存为 .xlsx 再上传"
	msgLegacyXLS = "文件是旧版 Excel 97-2003 工作簿（.xls），请在 Excel 中“另存为”Excel 工作簿（.xlsx）后再上传"
	msgNotXLSX   = "文件不是 Excel 工作簿（.xlsx）。如为 .xls、.csv 或 WPS 格式，请在表格软件中另存为 .xlsx 后再上传"
	msgDamaged   = "文件已损坏或不是有效的 .xlsx 工作簿，无法读取。请在 Excel 中打开确认后重新保存再上传"
	// msgForgedSize names the part whose size contradicts its header.
	msgForgedSize = "文件已损坏：压缩包中的部件“%s”解压后的实际大小与文件头记录的不符（文件可能在传输中损坏或被篡改），已停止读取。请在 Excel 中打开确认后重新保存再上传"
)

func unsupported(msg string) error {
	return &domain.Error{Code: domain.CodeUnsupportedContent, Message: msg}
}

// forgedPart is the first part of the zip whose data inflates past the
// size its header declares (or fails to inflate), or "". open has bounded
// the declared sizes, so this reads at most MaxUnzipped and one byte more
// a part.
func forgedPart(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return zf.Name
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, int64(zf.UncompressedSize64)+1))
		rc.Close()
		if err != nil || uint64(n) != zf.UncompressedSize64 {
			return zf.Name
		}
	}
	return ""
}

// open checks the file's size and shape before excelize reads it, so a
// file that is not a workbook, is encrypted or would inflate beyond the
// limits costs nothing but this look.
func open(data []byte, lim Limits) (*excelize.File, error) {
	if int64(len(data)) > lim.MaxBytes {
		return nil, &domain.Error{Code: domain.CodeTooLarge,
			Message: fmt.Sprintf("文件超过%s，请删除多余的工作表、图片和格式，或分批导入", domain.FormatBytes(lim.MaxBytes))}
	}
	switch {
	case len(data) == 0:
		return nil, &domain.Error{Code: domain.CodeInvalid, Message: msgEmpty}
	case bytes.HasPrefix(data, oleSignature):
		// Excel keeps both an encrypted .xlsx and a legacy .xls in an OLE
		// compound file; only the encrypted one holds this stream.
		if bytes.Contains(data, encryptedPackage) {
			return nil, unsupported(msgEncrypted)
		}
		return nil, unsupported(msgLegacyXLS)
	case !bytes.HasPrefix(data, zipSignature):
		return nil, unsupported(msgNotXLSX)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, unsupported(msgDamaged)
	}
	if len(zr.File) > lim.MaxParts {
		return nil, unsupported(fmt.Sprintf("文件结构异常（包含%d个部件，超过%d个），已拒绝读取。请只保留导入数据后重新保存", len(zr.File), lim.MaxParts))
	}
	var total uint64
	workbook := false
	for _, zf := range zr.File {
		// Each part is compared before it is added, so a forged size
		// cannot wrap the sum around.
		if zf.UncompressedSize64 > uint64(lim.MaxUnzipped) || total+zf.UncompressedSize64 > uint64(lim.MaxUnzipped) {
			return nil, unsupported(fmt.Sprintf("文件解压后超过%s（可能含有大量图片或为恶意压缩文件），已拒绝读取。请只保留导入数据后重新保存",
				domain.FormatBytes(lim.MaxUnzipped)))
		}
		total += zf.UncompressedSize64
		if strings.EqualFold(strings.ReplaceAll(zf.Name, `\`, "/"), "xl/workbook.xml") {
			workbook = true
		}
	}
	if !workbook {
		return nil, unsupported(msgNotXLSX)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    lim.MaxUnzipped,
		UnzipXMLSizeLimit: min(lim.MaxUnzipped, inMemoryPartLimit),
	})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, unsupported(msgDamaged)
	}
	return f, nil
}
