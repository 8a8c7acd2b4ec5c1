package domain

// Module is one screen of a role's menu; Title is the manual's own words.
type Module struct {
	Key   string `json:"key"`
	Title string `json:"title"`
}

// MenuGroup is a heading of the menu tree with its modules.
type MenuGroup struct {
	Title   string   `json:"title"`
	Modules []Module `json:"modules"`
}

// ModuleRoleApplication is the one unit module open before approval.
const ModuleRoleApplication = "unit.apply"

var unitMenu = []MenuGroup{
	{"法人单位", []Module{{ModuleRoleApplication, "法人单位角色申请"}, {"unit.info", "法人单位信息维护"}}},
	{"课程培训计划管理", []Module{{"plan.apply", "专业课计划申报"}}},
	{"法人单位培训班管理", []Module{{"class.setup", "培训班设置"}, {"class.attendance", "培训班考勤设置"}, {"class.enroll", "培训人员录入"}}},
	{"专业技术人员信息管理", []Module{{"person.confirm", "专业技术人员信息确认"}, {"person.maintain", "专业技术人员信息维护"}}},
	{"继续教育记录管理", []Module{{"record.declare", "继续教育记录申报"}, {"record.batch", "继续教育记录批量申报"}, {"record.review", "继续教育记录认定"}, {"cert.print", "继续教育证书打印"}}},
	{"师资管理", []Module{{"teacher.maintain", "师资信息维护"}}},
	{"信用管理", []Module{{"credit.entry", "失信信息录入"}, {"credit.view", "单位失信信息查看"}}},
	{"查询统计", []Module{{"query.plan", "专业课计划查询"}, {"query.record", "继续教育培训记录查询"}}},
}

var otherMenus = map[Role][]MenuGroup{
	RoleAuthority: {{"人社主管部门", []Module{
		{"authority.unitreview", "单位角色审核"}, {"authority.planreview", "专业课计划审核"},
		{"authority.credit", "单位失信信息录入"}, {"authority.courses", "专业课程目录"},
		{"authority.requirements", "学时要求设置"}, {"authority.stats", "统计"},
	}}},
	RolePerson: {{"专业技术人员", []Module{
		{"person.profile", "个人信息"}, {"person.declare", "学时申报"},
		{"person.hours", "我的学时"}, {"person.certs", "我的证书"},
	}}},
	RoleInstitution: {{"施教机构", []Module{
		{"institution.declare", "学时申报"}, {"institution.query", "申报查询"},
	}}},
	RoleAdmin: {{"系统管理", []Module{
		{"admin.accounts", "创建主管部门账号"}, {"admin.dicts", "字典维护"},
		{"admin.reset", "重置密码"}, {"admin.requirements", "学时要求设置"},
	}}},
}

// MenuFor returns the menu the user may open. A unit whose role application
// is not approved gets only 法人单位角色申请; the server enforces the same.
func MenuFor(u User) []MenuGroup {
	if u.Role != RoleUnit {
		return otherMenus[u.Role]
	}
	if !u.UnitActive() {
		return []MenuGroup{{unitMenu[0].Title, unitMenu[0].Modules[:1]}}
	}
	return unitMenu
}
