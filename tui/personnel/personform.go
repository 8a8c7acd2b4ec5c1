package personnel

import (
	"strings"
	"time"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
)

// Field keys, as domain.PersonInput names them in field errors.
const (
	fieldIDNumber   = "id_number"
	fieldFacts      = "facts" // the read-only 性别/出生日期 row
	fieldName       = "name"
	fieldEthnicity  = "ethnicity"
	fieldEducation  = "education"
	fieldDegree     = "degree"
	fieldSpecialty  = "specialty"
	fieldTitle      = "title"
	fieldTitleLevel = "title_level"
	fieldPost       = "post"
	fieldMobile     = "mobile"
	fieldEmail      = "email"
	fieldAccount    = "create_account"
	fieldPassword   = "password"
)

// dictOptions are a dictionary's items for a picker, led by a blank choice
// for an optional field; keep is the person's current value, offered even
// if since disabled.
func dictOptions(ref domain.Reference, kind, keep string) []form.Option {
	return append([]form.Option{{Value: "", Label: "（不填）"}}, common.DictOptions(ref, kind, keep)...)
}

// optional checks a value only once something is typed.
func optional(check func(string) string) func(*form.Form, string) string {
	return func(_ *form.Form, v string) string {
		if v = strings.TrimSpace(v); v == "" {
			return ""
		}
		return check(v)
	}
}

func checkID(_ *form.Form, v string) string {
	_, msg := domain.ParseIDNumber(domain.NormalizeIDNumber(v), time.Now())
	return msg
}

// personForm is 新增 (editing nil) or 修改 of a person: gender and birth
// date follow the ID number, read-only; the login can be made here when
// the person has none.
type personForm struct {
	form    *form.Form
	editing *domain.Person
	win     window
	// education and level offer dictionaries, refreshed by setReference.
	education, level *form.Picker
}

func newPersonForm(c *common.Common, ref domain.Reference, editing *domain.Person) *personForm {
	st, km := c.Styles, c.Keys
	text := func(limit int) form.Control { return form.NewText(km, false, limit) }
	pf := &personForm{editing: editing}
	var stored domain.Person
	if editing != nil {
		stored = *editing
	}
	education := form.NewPicker(st, km, 5, "加载中"+st.Ellipsis)
	education.SetOptions(dictOptions(ref, domain.DictEducation, stored.Education))
	level := form.NewPicker(st, km, 5, "加载中"+st.Ellipsis)
	level.SetOptions(dictOptions(ref, domain.DictTitleLevel, stored.TitleLevel))

	var idField form.Field
	if editing == nil {
		idField = form.Field{Key: fieldIDNumber, Label: "身份证号", Control: text(18), Width: 22, Check: checkID}
	} else {
		id := editing.IDNumber
		idField = form.Field{Key: fieldIDNumber, Label: "身份证号", Control: &derived{value: func() string { return id }, st: st}, Width: 32}
	}
	fields := []form.Field{
		idField,
		{Key: fieldFacts, Label: "性别/出生日期", Width: 32, Control: &derived{st: st, value: func() string { return idFacts(pf.form.Value(fieldIDNumber)) }}},
		{Key: fieldName, Label: "姓名", Control: text(50), Check: func(_ *form.Form, v string) string { return domain.CheckText(v, 50, "姓名") }},
		{Key: fieldEthnicity, Label: "民族", Control: text(20)},
		{Key: fieldEducation, Label: "学历", Control: education, Width: 32},
		{Key: fieldDegree, Label: "学位", Control: text(20)},
		{Key: fieldSpecialty, Label: "所学专业", Control: text(50)},
		{Key: fieldTitle, Label: "职称", Control: text(50), Check: func(f *form.Form, v string) string {
			if strings.TrimSpace(v) == "" && f.Value(fieldTitleLevel) != "" {
				return "填写职称级别时请同时填写职称"
			}
			return ""
		}},
		{Key: fieldTitleLevel, Label: "职称级别", Control: level, Width: 32},
		{Key: fieldPost, Label: "岗位", Control: text(50)},
		{Key: fieldMobile, Label: "手机号码", Control: text(11), Check: optional(domain.CheckMobile)},
		{Key: fieldEmail, Label: "电子邮箱", Control: text(100), Check: optional(domain.CheckEmail)},
	}
	if editing == nil || !editing.HasAccount {
		fields = append(fields,
			form.Field{Key: fieldAccount, Label: "登录账号", Width: 32, Control: newCheckbox(st, "创建（首次登录须改密码）")},
			form.Field{Key: fieldPassword, Label: "初始密码", Control: form.NewText(km, true, 128), Check: func(f *form.Form, v string) string {
				if f.Value(fieldAccount) == "" {
					return ""
				}
				return domain.CheckPassword(v)
			}})
	}
	pf.form = form.New(st, km, 24, fields...)
	pf.education, pf.level = education, level
	if editing != nil {
		for k, v := range map[string]string{fieldName: editing.Name, fieldEthnicity: editing.Ethnicity,
			fieldEducation: editing.Education, fieldDegree: editing.Degree, fieldSpecialty: editing.Specialty,
			fieldTitle: editing.Title, fieldTitleLevel: editing.TitleLevel, fieldPost: editing.Post,
			fieldMobile: editing.Mobile, fieldEmail: editing.Email} {
			pf.form.SetValue(k, v)
		}
		pf.form.Focus(fieldName)
	}
	return pf
}

// input is what was typed, as the service takes it.
func (pf *personForm) input() domain.PersonInput {
	f := pf.form
	in := domain.PersonInput{
		IDNumber: f.Value(fieldIDNumber), Name: f.Value(fieldName), Ethnicity: f.Value(fieldEthnicity),
		Education: f.Value(fieldEducation), Degree: f.Value(fieldDegree), Specialty: f.Value(fieldSpecialty),
		Title: f.Value(fieldTitle), TitleLevel: f.Value(fieldTitleLevel), Post: f.Value(fieldPost),
		Mobile: f.Value(fieldMobile), Email: f.Value(fieldEmail),
		CreateAccount: f.Value(fieldAccount) != "",
	}
	if in.CreateAccount {
		in.Password = f.Value(fieldPassword)
	}
	if pf.editing != nil {
		in.Version = pf.editing.Version
	}
	in.Normalize()
	return in
}

func (pf *personForm) title() string {
	if pf.editing == nil {
		return "新增专业技术人员"
	}
	return "修改：" + pf.editing.Name
}

// setReference offers the dictionaries as they now stand, keeping the
// choices made and the person's own values even if since disabled.
func (pf *personForm) setReference(ref domain.Reference) {
	var stored domain.Person
	if pf.editing != nil {
		stored = *pf.editing
	}
	pf.education.SetOptions(dictOptions(ref, domain.DictEducation, stored.Education))
	pf.level.SetOptions(dictOptions(ref, domain.DictTitleLevel, stored.TitleLevel))
}
