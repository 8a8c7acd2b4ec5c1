package store

import (
	"context"
	"database/sql"
	"time"

	"jxjy/server/domain"
	"jxjy/server/secret"
)

// DemoPassword is the password of every demo account (SPEC §8).
const DemoPassword = "Demo@2026"

// Demo usernames, for tests and the README.
const (
	DemoUnit        = "demo-unit"
	DemoNewUnit     = "demo-new-unit"
	DemoAuthority   = "demo-authority"
	DemoProvince    = "demo-province"
	DemoPerson      = "440106199003072517"
	DemoInstitution = "demo-institution"
	DemoAdmin       = "admin"
)

// SeedDemo fills an empty database (no users) with the demo data set and
// reports whether it did; a database with any account is left alone, so it
// is safe on every start. Later features add their demo rows as further
// steps of seedDemo.
func (db *DB) SeedDemo(ctx context.Context) (seeded bool, err error) {
	hash := secret.HashPassword(DemoPassword)
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		var users int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&users); err != nil {
			return err
		}
		if users > 0 {
			return nil
		}
		d := &demo{ctx: ctx, tx: tx, hash: hash, now: db.now()}
		for _, step := range []func() error{d.accounts, d.courses, d.personnel, d.credit, d.applications, d.records, d.plans, d.certificates} {
			if err := step(); err != nil {
				return err
			}
		}
		seeded = true
		return nil
	})
	return seeded, err
}

// demo carries what the seeding steps share, and what earlier steps made
// for later ones.
type demo struct {
	ctx  context.Context
	tx   *sql.Tx
	hash string
	now  time.Time

	unitID, authorityUserID int64
}

// uscc completes a demo credit code with its check character.
func uscc(first17 string) string {
	return first17 + string(domain.USCCCheckChar(first17))
}

func (d *demo) authorityID(region string) (int64, error) {
	var id int64
	err := d.tx.QueryRowContext(d.ctx, `SELECT id FROM authorities WHERE region_code = $1`, region).Scan(&id)
	return id, err
}

func (d *demo) user(u domain.User, institutionID int64) (int64, error) {
	return insertUser(d.ctx, d.tx, u, d.hash, institutionID, d.now)
}

// demoUnit is an approved unit with every role-application field filled.
var demoUnit = struct {
	name, uscc, unitType, region, legalRep, contact, phone, mobile, email, postal, address, summary string
}{
	name: "广州市天河区示范科技有限公司", uscc: uscc("91440106MA59T2Q7X"), unitType: "enterprise", region: "440106",
	legalRep: "李建国", contact: "王晓燕", phone: "020-38881234", mobile: "13926012345",
	email: "hr@tianhe-demo.com.cn", postal: "510620", address: "广州市天河区天河路385号太古汇一座18楼",
	summary: "从事软件开发与信息技术服务，现有专业技术人员约30人，设人力资源部负责继续教育管理。",
}

func (d *demo) accounts() error {
	guangzhou, err := d.authorityID("440100")
	if err != nil {
		return err
	}
	province, err := d.authorityID(provinceCode)
	if err != nil {
		return err
	}
	if d.authorityUserID, err = d.user(domain.User{Username: DemoAuthority, Role: domain.RoleAuthority, DisplayName: "周海峰", AuthorityID: guangzhou}, 0); err != nil {
		return err
	}
	if _, err := d.user(domain.User{Username: DemoProvince, Role: domain.RoleAuthority, DisplayName: "林志强", AuthorityID: province}, 0); err != nil {
		return err
	}
	if _, err := d.user(domain.User{Username: DemoAdmin, Role: domain.RoleAdmin}, 0); err != nil {
		return err
	}
	if _, err := d.user(domain.User{Username: DemoPerson, Role: domain.RolePerson, DisplayName: "陈志明"}, 0); err != nil {
		return err
	}

	var institutionID int64
	if err := d.tx.QueryRowContext(d.ctx, `INSERT INTO institutions (name) VALUES ($1) RETURNING id`,
		"广东省继续教育学院").Scan(&institutionID); err != nil {
		return err
	}
	if _, err := d.user(domain.User{Username: DemoInstitution, Role: domain.RoleInstitution, DisplayName: "广东省继续教育学院"}, institutionID); err != nil {
		return err
	}

	u := demoUnit
	registered, submitted, approved := d.now.AddDate(0, -3, 0), d.now.AddDate(0, -3, 2), d.now.AddDate(0, -3, 5)
	err = d.tx.QueryRowContext(d.ctx, `INSERT INTO units (name, uscc, status, unit_type, region_code, authority_id,
		legal_rep, contact_person, office_phone, mobile, email, postal_code, address, summary, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 3, $15, $16) RETURNING id`,
		u.name, u.uscc, string(domain.ApplicationApproved), u.unitType, u.region, guangzhou,
		u.legalRep, u.contact, u.phone, u.mobile, u.email, u.postal, u.address, u.summary,
		millis(registered), millis(approved)).Scan(&d.unitID)
	if err != nil {
		return err
	}
	unitUserID, err := d.user(domain.User{Username: DemoUnit, Role: domain.RoleUnit, DisplayName: u.name, UnitID: d.unitID}, 0)
	if err != nil {
		return err
	}
	for _, e := range []domain.AuditEntry{
		{ActorUserID: unitUserID, ActorName: u.name, ActorRole: domain.RoleUnit, At: registered,
			To: string(domain.ApplicationDraft), Comment: "单位注册"},
		{ActorUserID: unitUserID, ActorName: u.name, ActorRole: domain.RoleUnit, At: submitted,
			From: string(domain.ApplicationDraft), To: string(domain.ApplicationSubmitted), Comment: "送审"},
		{ActorUserID: d.authorityUserID, ActorName: "广州市人力资源和社会保障局", ActorRole: domain.RoleAuthority, At: approved,
			From: string(domain.ApplicationSubmitted), To: string(domain.ApplicationApproved), Comment: "材料齐全，同意"},
	} {
		e.EntityType, e.EntityID = domain.EntityUnit, d.unitID
		if err := insertAudit(d.ctx, d.tx, e); err != nil {
			return err
		}
	}

	const newUnitName = "广州市越秀区新创信息技术有限公司"
	var newUnitID int64
	err = d.tx.QueryRowContext(d.ctx, `INSERT INTO units (name, uscc, mobile, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
		newUnitName, uscc("91440104MA5AB3C4D"), "13711112222", string(domain.ApplicationDraft), millis(d.now)).Scan(&newUnitID)
	if err != nil {
		return err
	}
	newUserID, err := d.user(domain.User{Username: DemoNewUnit, Role: domain.RoleUnit, DisplayName: newUnitName, UnitID: newUnitID}, 0)
	if err != nil {
		return err
	}
	return insertAudit(d.ctx, d.tx, domain.AuditEntry{
		EntityType: domain.EntityUnit, EntityID: newUnitID,
		ActorUserID: newUserID, ActorName: newUnitName, ActorRole: domain.RoleUnit,
		At: d.now, To: string(domain.ApplicationDraft), Comment: "单位注册",
	})
}

// demoCourses is the authorities' catalog of professional courses; hours
// are half-hours.
var demoCourses = []struct {
	code, name, specialty string
	halfHours             int
	description           string
}{
	{"GD-ZY-001", "人工智能技术应用与发展", "计算机与信息技术", 48, "机器学习、大模型基础及其在行业中的应用案例。"},
	{"GD-ZY-002", "大数据分析与数据治理", "计算机与信息技术", 48, "数据采集、清洗、分析方法与数据治理体系建设。"},
	{"GD-ZY-003", "网络与信息安全实务", "计算机与信息技术", 32, "等级保护2.0、常见攻击防护与安全运维。"},
	{"GD-ZY-004", "云计算架构与运维", "计算机与信息技术", 48, "云原生架构、容器编排与自动化运维实践。"},
	{"GD-ZY-005", "软件工程质量管理", "计算机与信息技术", 32, "需求管理、测试体系与持续集成。"},
	{"GD-ZY-006", "建筑工程新技术与新规范", "建筑工程", 64, "近年发布的建筑工程国家标准与新技术推广目录解读。"},
	{"GD-ZY-007", "智能建造与BIM技术应用", "建筑工程", 48, "BIM建模、协同设计与智能建造试点经验。"},
	{"GD-ZY-008", "工程项目管理实务", "工程管理", 32, "进度、成本、质量与安全的全过程管理。"},
	{"GD-ZY-009", "新能源汽车关键技术", "机械工程", 48, "动力电池、电驱系统与整车热管理。"},
	{"GD-ZY-010", "智能制造与工业互联网", "机械工程", 64, "数字化车间、工业互联网平台与典型场景。"},
	{"GD-ZY-011", "临床合理用药", "医药卫生", 25, "抗菌药物合理使用与处方点评。"},
	{"GD-ZY-012", "医院感染预防与控制", "医药卫生", 24, "医院感染监测、防控措施与案例分析。"},
	{"GD-ZY-013", "基层全科医学进展", "医药卫生", 48, "常见慢性病管理与家庭医生签约服务。"},
	{"GD-ZY-014", "新时代教师专业发展", "教育", 48, "教师专业标准、教学研究与职业发展规划。"},
	{"GD-ZY-015", "信息技术与课堂教学融合", "教育", 32, "智慧课堂设计与数字化教学资源应用。"},
	{"GD-ZY-016", "政府会计准则与实务", "会计", 48, "政府会计准则体系与行政事业单位核算实务。"},
	{"GD-ZY-017", "企业税务筹划与风险管理", "经济", 32, "增值税、企业所得税政策更新与涉税风险防控。"},
	{"GD-ZY-018", "数字经济与产业转型", "经济", 24, "数字经济发展趋势与传统产业数字化转型路径。"},
	{"GD-ZY-019", "现代农业技术推广", "农业", 32, "良种良法、智慧农业与农技推广服务。"},
	{"GD-ZY-020", "生态环境监测技术", "环境保护", 48, "大气、水、土壤监测方法与质量控制。"},
}

func (d *demo) courses() error {
	for _, c := range demoCourses {
		if _, err := d.tx.ExecContext(d.ctx, `INSERT INTO courses (code, name, specialty, half_hours, description, enabled)
			VALUES ($1, $2, $3, $4, $5, TRUE)`, c.code, c.name, c.specialty, c.halfHours, c.description); err != nil {
			return err
		}
	}
	return nil
}
