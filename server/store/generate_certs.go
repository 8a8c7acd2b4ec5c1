package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"jxjy/server/domain"
)

// genIssuePercent of the persons who met a past year's requirement hold
// its certificate; the others wait in 继续教育证书打印. genReissuePercent
// of those certificates replaced a voided first print.
const (
	genIssuePercent   = 90
	genReissuePercent = 2
)

// genCert is one generated certificate.
type genCert struct {
	id, replacedBy int64
	person         int
	yi             int
	number         string
	voided         bool
	issuedAt       time.Time
	hours          [3]uint32
}

type genCounter struct {
	year   int
	region string
}

// loadCertificates issues certificates to persons whose tallied hours meet
// the requirement of last year or the year before, numbered after each
// (year, region) counter's last number, and moves the counters past them
// so later prints never draw a generated number.
func (l *genLayout) loadCertificates(ctx context.Context, ld *genLoader, tally []uint32, res *GenerateResult) error {
	last := map[genCounter]int{}
	rows, err := ld.conn.QueryContext(ctx, `SELECT year, region_code, last_seq FROM certificate_counters`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var k genCounter
		var seq int
		if err := rows.Scan(&k.year, &k.region, &seq); err != nil {
			rows.Close()
			return err
		}
		last[k] = seq
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	draw := func(k genCounter) (string, error) {
		last[k]++
		number, ok := domain.FormatCertificateNumber(k.year, k.region, last[k])
		if !ok {
			return "", errSequenceExhausted
		}
		return number, nil
	}

	var certs []genCert
	id := l.base["certificates"]
	for yi := 2; yi >= 1; yi-- {
		year := l.thisYear - yi
		for p := range l.allPersons() {
			h := [3]uint32(tally[(p*3+yi)*3:])
			y := domain.YearHours{Year: year}
			y.Add(domain.CategoryPublic, domain.Hours(h[0]))
			y.Add(domain.CategoryProfessional, domain.Hours(h[1]))
			y.Add(domain.CategoryElective, domain.Hours(h[2]))
			if !y.WithRequirement(l.reqs[yi]).Met() || l.roll(rollIssue, uint64(p), uint64(yi))%100 >= genIssuePercent {
				continue
			}
			key := genCounter{year, l.regionOf(l.unitOf(p)).Code}
			r := l.roll(rollIssuedAt, uint64(p), uint64(yi))
			at := time.Date(year+1, 1, 10, 9, 0, 0, 0, domain.ChinaTime).AddDate(0, 0, int(r%80)).Add(time.Duration((r>>8)%480) * time.Minute)
			if at.After(l.now) {
				at = l.now
			}
			c := genCert{id: id, person: p, yi: yi, issuedAt: at, hours: h}
			if l.roll(rollReissue, uint64(p), uint64(yi))%100 < genReissuePercent {
				// The first print was voided and replaced: it holds the
				// lower id and number, and names its replacement, which
				// is loaded first so the reference holds from the start.
				first := genCert{id: id, person: p, yi: yi, voided: true, replacedBy: id + 1,
					issuedAt: at.Add(-72 * time.Hour), hours: h}
				if first.number, err = draw(key); err != nil {
					return err
				}
				c.id = id + 1
				if c.number, err = draw(key); err != nil {
					return err
				}
				certs = append(certs, c, first)
				id += 2
				continue
			}
			if c.number, err = draw(key); err != nil {
				return err
			}
			certs = append(certs, c)
			id++
		}
	}

	err = ld.bulk(ctx, "certificates", []string{"id", "person_id", "unit_id", "year", "number", "verification_code",
		"status", "person_name", "id_number", "unit_name", "issuer", "public_half_hours", "professional_half_hours",
		"elective_half_hours", "issued_by", "issued_by_name", "issued_at", "void_reason", "voided_by", "voided_by_name",
		"voided_at", "replaced_by", "version"}, len(certs), func(i int) []any {
		c := certs[i]
		u := l.unitOf(c.person)
		number, _, _ := l.idNumber(c.person)
		status := domain.CertificateValid
		var reason, voidedByName string
		var voidedBy, voidedAt, replacedBy any
		version := int64(1)
		if c.voided {
			status, reason, voidedByName = domain.CertificateVoided, "证书打印时纸张卡纸损坏，作废重打", l.unitName(u)
			voidedBy, voidedAt, replacedBy, version = l.userID(u), millis(c.issuedAt.Add(72*time.Hour)), c.replacedBy, 2
		}
		res.Certificates[status]++
		return []any{c.id, l.personID(c.person), l.unitID(u), l.thisYear - c.yi, c.number, l.verificationCode(c.id),
			string(status), l.personName(c.person), number, l.unitName(u), l.authorityOf(u).name,
			int(c.hours[0]), int(c.hours[1]), int(c.hours[2]), l.userID(u), l.unitName(u), millis(c.issuedAt),
			reason, voidedBy, voidedByName, voidedAt, replacedBy, version}
	})
	if err != nil {
		return err
	}

	keys := make([]genCounter, 0, len(last))
	for k := range last {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b genCounter) int {
		return cmp.Or(cmp.Compare(a.year, b.year), cmp.Compare(a.region, b.region))
	})
	for _, k := range keys {
		if _, err := ld.conn.ExecContext(ctx, `INSERT INTO certificate_counters (year, region_code, last_seq)
			VALUES ($1, $2, $3) ON CONFLICT (year, region_code) DO UPDATE SET last_seq = excluded.last_seq`,
			k.year, k.region, last[k]); err != nil {
			return fmt.Errorf("certificate counters: %w", err)
		}
	}
	return nil
}

// verificationCode is certificate id's code, fixed by the seed, drawn
// from domain.VerificationAlphabet five bits a letter.
func (l *genLayout) verificationCode(id int64) string {
	r := l.roll(rollCode, uint64(id), 0)
	b := make([]byte, domain.VerificationCodeLength)
	for i := range b {
		b[i] = domain.VerificationAlphabet[r&31]
		r >>= 5
	}
	return string(b)
}
