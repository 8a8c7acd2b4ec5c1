package store

import (
	"fmt"
	"time"

	"jxjy/server/domain"
)

// demoPerson is one professional of the demo data; the ID number is the
// area code, birth date and sequence, completed with its check character.
type demoPerson struct {
	name, area, birth, seq                     string
	title, level, education, degree, specialty string
	post, ethnicity                            string
	status                                     domain.Affiliation
}

func (p demoPerson) idNumber() string {
	first17 := p.area + p.birth + p.seq
	return first17 + string(domain.IDCheckChar(first17))
}

// demoPersons are demo-unit's staff: confirmed members first (the demo
// person 陈志明 among them), then claims the unit has yet to answer, then
// one registered person who belongs to no unit yet.
var demoPersons = []demoPerson{
	{"陈志明", "440106", "19900307", "251", "高级工程师", "associate_senior", "postgraduate", "硕士", "计算机科学与技术", "技术总监", "汉族", domain.AffiliationConfirmed},
	{"李晓红", "440104", "19880512", "322", "工程师", "intermediate", "bachelor", "学士", "软件工程", "软件开发", "汉族", domain.AffiliationConfirmed},
	{"王建华", "440105", "19760918", "113", "正高级工程师", "senior", "postgraduate", "博士", "电子信息工程", "首席架构师", "汉族", domain.AffiliationConfirmed},
	{"张丽娟", "440106", "19920221", "404", "会计师", "intermediate", "bachelor", "学士", "会计学", "财务主管", "汉族", domain.AffiliationConfirmed},
	{"刘德明", "440111", "19850630", "235", "高级工程师", "associate_senior", "bachelor", "学士", "通信工程", "项目经理", "汉族", domain.AffiliationConfirmed},
	{"黄思琪", "440103", "19950114", "526", "助理工程师", "junior", "bachelor", "学士", "软件工程", "测试工程师", "汉族", domain.AffiliationConfirmed},
	{"周文斌", "440112", "19830803", "017", "工程师", "intermediate", "bachelor", "学士", "网络工程", "运维工程师", "汉族", domain.AffiliationConfirmed},
	{"吴佩玲", "440113", "19900429", "148", "经济师", "intermediate", "postgraduate", "硕士", "工商管理", "人力资源经理", "汉族", domain.AffiliationConfirmed},
	{"徐国强", "440114", "19791127", "239", "高级工程师", "associate_senior", "bachelor", "学士", "自动化", "系统集成部经理", "汉族", domain.AffiliationConfirmed},
	{"孙美玲", "440115", "19960708", "360", "助理工程师", "junior", "college", "", "计算机应用技术", "实施工程师", "汉族", domain.AffiliationConfirmed},
	{"马俊杰", "440117", "19870315", "471", "工程师", "intermediate", "bachelor", "学士", "信息安全", "安全工程师", "回族", domain.AffiliationConfirmed},
	{"朱婷婷", "440118", "19930926", "082", "统计师", "intermediate", "bachelor", "学士", "统计学", "数据分析师", "汉族", domain.AffiliationConfirmed},
	{"胡永康", "440106", "19720604", "193", "正高级工程师", "senior", "postgraduate", "博士", "计算机科学与技术", "总工程师", "汉族", domain.AffiliationConfirmed},
	{"郭雅琴", "440104", "19890817", "224", "工程师", "intermediate", "bachelor", "学士", "数字媒体技术", "产品经理", "汉族", domain.AffiliationConfirmed},
	{"林家豪", "440105", "19940302", "335", "助理工程师", "junior", "bachelor", "学士", "软件工程", "前端开发", "汉族", domain.AffiliationConfirmed},
	{"何秀英", "440103", "19811209", "446", "高级会计师", "associate_senior", "bachelor", "学士", "会计学", "财务总监", "汉族", domain.AffiliationConfirmed},
	{"高志远", "440111", "19860525", "557", "工程师", "intermediate", "postgraduate", "硕士", "人工智能", "算法工程师", "汉族", domain.AffiliationConfirmed},
	{"罗晓燕", "440112", "19970411", "668", "", "", "bachelor", "学士", "计算机科学与技术", "软件开发", "壮族", domain.AffiliationConfirmed},
	{"梁伟雄", "440113", "19780720", "779", "高级工程师", "associate_senior", "bachelor", "学士", "电气工程及其自动化", "硬件部经理", "汉族", domain.AffiliationConfirmed},
	{"宋丹丹", "440114", "19910128", "880", "工程师", "intermediate", "bachelor", "学士", "软件工程", "后端开发", "汉族", domain.AffiliationConfirmed},
	{"郑海波", "440115", "19840913", "091", "工程师", "intermediate", "bachelor", "学士", "通信工程", "网络工程师", "汉族", domain.AffiliationConfirmed},
	{"谢春梅", "440117", "19920616", "102", "助理经济师", "junior", "college", "", "市场营销", "商务专员", "汉族", domain.AffiliationConfirmed},
	{"韩冬生", "440118", "19751031", "213", "高级经济师", "associate_senior", "postgraduate", "硕士", "工商管理", "副总经理", "汉族", domain.AffiliationConfirmed},
	{"唐诗雨", "440106", "19980223", "324", "", "", "bachelor", "学士", "数据科学与大数据技术", "数据工程师", "汉族", domain.AffiliationConfirmed},
	{"冯建军", "440104", "19820707", "435", "高级工程师", "associate_senior", "postgraduate", "硕士", "软件工程", "研发部经理", "汉族", domain.AffiliationConfirmed},
	{"曾丽萍", "440105", "19880119", "546", "工程师", "intermediate", "bachelor", "学士", "信息管理与信息系统", "需求分析师", "汉族", domain.AffiliationConfirmed},
	{"邓家乐", "440103", "19960805", "657", "助理工程师", "junior", "bachelor", "学士", "物联网工程", "嵌入式开发", "汉族", domain.AffiliationPending},
	{"彭慧敏", "440111", "19930312", "768", "工程师", "intermediate", "postgraduate", "硕士", "计算机技术", "软件开发", "汉族", domain.AffiliationPending},
	{"蔡振宇", "440112", "19870624", "879", "工程师", "intermediate", "bachelor", "学士", "电子科学与技术", "硬件工程师", "汉族", domain.AffiliationPending},
	{"潘玉兰", "440113", "19941116", "980", "助理会计师", "junior", "college", "", "会计", "出纳", "汉族", domain.AffiliationPending},
	{"叶俊峰", "440114", "19910409", "011", "工程师", "intermediate", "bachelor", "学士", "土木工程", "项目工程师", "汉族", domain.AffiliationNone},
}

// demoTeachers are demo-unit's lecturers; the last two are disabled.
var demoTeachers = []struct {
	name, gender, idNumber, title, specialty, employer, mobile, summary string
	enabled                                                             bool
}{
	{"李明华", "男", "", "教授", "计算机科学与技术", "华南理工大学", "13802211001", "从事软件工程教学科研二十余年，主讲软件工程与项目管理。", true},
	{"陈静", "女", "", "副教授", "人工智能", "中山大学", "13802211002", "研究方向为机器学习与自然语言处理。", true},
	{"黄伟", "男", "", "高级工程师", "网络与信息安全", "广东省信息安全测评中心", "13802211003", "长期从事等级保护测评与安全运维培训。", true},
	{"周晓梅", "女", "", "讲师", "数据科学", "广东工业大学", "13802211004", "主讲大数据分析与数据治理课程。", true},
	{"王志强", "男", "", "正高级工程师", "云计算", "本单位", "13802211005", "负责公司云平台架构，兼任内训讲师。", true},
	{"刘芳", "女", "", "高级会计师", "会计", "广州市财会培训中心", "13802211006", "主讲政府会计准则与企业税务实务。", true},
	{"赵国栋", "男", "", "副教授", "工程管理", "广州大学", "13802211007", "已调离，暂停授课。", false},
	{"孙丽", "女", "", "工程师", "软件测试", "本单位", "13802211008", "休产假期间暂停授课。", false},
}

func (d *demo) personnel() error {
	var unitUserID, demoPersonUserID int64
	if err := d.tx.QueryRowContext(d.ctx, `SELECT id FROM users WHERE username_key = $1`, usernameKey(DemoUnit)).Scan(&unitUserID); err != nil {
		return err
	}
	if err := d.tx.QueryRowContext(d.ctx, `SELECT id FROM users WHERE username_key = $1`, usernameKey(DemoPerson)).Scan(&demoPersonUserID); err != nil {
		return err
	}
	unitActor := domain.AuditEntry{ActorUserID: unitUserID, ActorName: demoUnit.name, ActorRole: domain.RoleUnit}
	for i, p := range demoPersons {
		if err := d.person(i, p, unitActor, demoPersonUserID); err != nil {
			return fmt.Errorf("demo person %s: %w", p.name, err)
		}
	}
	for i, t := range demoTeachers {
		at := d.now.AddDate(0, -2, i)
		var id int64
		if err := d.tx.QueryRowContext(d.ctx, `INSERT INTO teachers (unit_id, name, gender, id_number, title, specialty,
			employer, mobile, summary, enabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			d.unitID, t.name, t.gender, t.idNumber, t.title, t.specialty, t.employer, t.mobile, t.summary,
			t.enabled, millis(at)).Scan(&id); err != nil {
			return err
		}
		e := unitActor
		e.EntityType, e.EntityID, e.At = domain.EntityTeacher, id, at
		e.To, e.Comment = string(domain.TeacherEnabled), "新增教师 "+t.name
		if err := insertAudit(d.ctx, d.tx, e); err != nil {
			return err
		}
		if !t.enabled {
			e.At, e.From, e.To, e.Comment = at.Add(24*time.Hour), string(domain.TeacherEnabled), string(domain.TeacherDisabled), "禁用教师 "+t.name
			if err := insertAudit(d.ctx, d.tx, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// person stores p: members as the unit added them (the demo person as a
// confirmed claim, with the login seeded among the accounts), claimants and
// the unaffiliated one as self-registered with a demo login.
func (d *demo) person(i int, p demoPerson, unitActor domain.AuditEntry, demoPersonUserID int64) error {
	id := p.idNumber()
	info, msg := domain.ParseIDNumber(id, d.now)
	if msg != "" {
		return fmt.Errorf("%s: %s", id, msg)
	}
	created := d.now.AddDate(0, -2, 0).Add(time.Duration(i) * time.Hour)
	var userID int64
	var err error
	switch {
	case id == DemoPerson:
		userID = demoPersonUserID
	case p.status != domain.AffiliationConfirmed:
		if userID, err = d.user(domain.User{Username: id, Role: domain.RolePerson, DisplayName: p.name}, 0); err != nil {
			return err
		}
	}
	var unitID, claimed any
	if p.status != domain.AffiliationNone {
		unitID = d.unitID
	}
	if p.status == domain.AffiliationPending {
		claimed = millis(created.Add(time.Hour))
	}
	var personID int64
	err = d.tx.QueryRowContext(d.ctx, `INSERT INTO persons (id_number, name, gender, birth_date, ethnicity, education,
		degree, specialty, title, title_level, post, mobile, email, unit_id, status, user_id, claimed_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id`,
		id, p.name, info.Gender, info.Birth.Format(domain.DateLayout), p.ethnicity, p.education,
		p.degree, p.specialty, p.title, p.level, p.post, fmt.Sprintf("139%08d", 20260000+i*37),
		fmt.Sprintf("staff%02d@tianhe-demo.com.cn", i+1), unitID, string(p.status), nullable(userID), claimed,
		millis(created)).Scan(&personID)
	if err != nil {
		return err
	}
	self := domain.AuditEntry{ActorUserID: userID, ActorName: p.name, ActorRole: domain.RolePerson}
	var trail []domain.AuditEntry
	if userID == 0 {
		e := unitActor
		e.To, e.Comment = string(domain.AffiliationConfirmed), "单位新增人员"
		trail = append(trail, e)
	} else {
		reg := self
		reg.To, reg.Comment = string(domain.AffiliationNone), "个人注册"
		trail = append(trail, reg)
		if p.status != domain.AffiliationNone {
			claim := self
			claim.From, claim.To, claim.Comment = string(domain.AffiliationNone), string(domain.AffiliationPending), "申请加入单位："+demoUnit.name
			trail = append(trail, claim)
		}
		if p.status == domain.AffiliationConfirmed {
			ok := unitActor
			ok.From, ok.To, ok.Comment = string(domain.AffiliationPending), string(domain.AffiliationConfirmed), "单位确认：属于本单位"
			trail = append(trail, ok)
		}
	}
	for j, e := range trail {
		e.EntityType, e.EntityID, e.At = domain.EntityPerson, personID, created.Add(time.Duration(j)*time.Hour)
		if err := insertAudit(d.ctx, d.tx, e); err != nil {
			return err
		}
	}
	return nil
}
