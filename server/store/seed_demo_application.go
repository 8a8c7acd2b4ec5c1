package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"jxjy/server/domain"
)

// DemoSubmittedUnit is a demo unit whose role application waits in
// demo-authority's queue, with a licence scan attached.
const DemoSubmittedUnit = "demo-unit-haizhu"

// applications seeds the submitted application; demo-new-unit stays a
// blank draft, where the acceptance walk starts.
func (d *demo) applications() error {
	guangzhou, err := d.authorityID("440100")
	if err != nil {
		return err
	}
	const name = "广州市海珠区粤华建筑设计有限公司"
	registered, uploaded, submitted := d.now.AddDate(0, 0, -6), d.now.AddDate(0, 0, -5), d.now.AddDate(0, 0, -4)
	var unitID int64
	err = d.tx.QueryRowContext(d.ctx, `INSERT INTO units (name, uscc, status, unit_type, region_code, authority_id,
		legal_rep, contact_person, office_phone, mobile, email, postal_code, address, summary, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 3, $15, $16) RETURNING id`,
		name, uscc("91440105MA5C8D9E2"), string(domain.ApplicationSubmitted), "enterprise", "440105", guangzhou,
		"陈国华", "黄丽君", "020-84561234", "13802233445", "hr@yuehua-design.cn", "510250",
		"广州市海珠区新港中路397号8楼", "从事建筑工程设计与咨询，有注册建筑师、结构工程师等专业技术人员约40人。",
		millis(registered), millis(submitted)).Scan(&unitID)
	if err != nil {
		return err
	}
	userID, err := d.user(domain.User{Username: DemoSubmittedUnit, Role: domain.RoleUnit, DisplayName: name, UnitID: unitID}, 0)
	if err != nil {
		return err
	}
	pdf := demoPDF("Business licence (demo) - " + uscc("91440105MA5C8D9E2"))
	sum := sha256.Sum256(pdf)
	const file = "营业执照扫描件.pdf"
	if _, err := d.tx.ExecContext(d.ctx, `INSERT INTO attachments
		(owner_type, owner_id, name, content_type, size, sha256, content, uploaded_by, uploader_name, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		domain.EntityUnit, unitID, file, "application/pdf", len(pdf), hex.EncodeToString(sum[:]), pdf,
		userID, name, millis(uploaded)); err != nil {
		return err
	}
	for _, e := range []domain.AuditEntry{
		{At: registered, To: string(domain.ApplicationDraft), Comment: "单位注册"},
		{At: uploaded, Comment: "上传附件 " + file},
		{At: submitted, From: string(domain.ApplicationDraft), To: string(domain.ApplicationSubmitted), Comment: "送审"},
	} {
		e.EntityType, e.EntityID = domain.EntityUnit, unitID
		e.ActorUserID, e.ActorName, e.ActorRole = userID, name, domain.RoleUnit
		if err := insertAudit(d.ctx, d.tx, e); err != nil {
			return err
		}
	}
	return nil
}

// demoPDF is a one-page PDF showing text (ASCII), small and valid, so a
// downloaded demo attachment opens in any viewer.
func demoPDF(text string) []byte {
	stream := fmt.Sprintf("BT /F1 18 Tf 72 720 Td (%s) Tj ET", text)
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// DemoPDF exposes the demo document builder to tests of other packages,
// which need a real PDF to upload.
func DemoPDF(text string) []byte { return demoPDF(text) }
