package personnel

import (
	"context"
	"strings"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/register"
)

// Registered is the notice the login screen shows after a person registers.
const Registered = "注册成功，请用身份证号登录。首次登录需修改密码"

const fieldConfirm = "confirm"

// NewRegister builds a person's empty self-registration form: the ID
// number is the login name; gender and birth date follow from it as it is
// typed.
func NewRegister(c *common.Common) *register.Model {
	km, st := c.Keys, c.Styles
	var f *form.Form
	f = form.New(st, km, 24,
		form.Field{Key: fieldIDNumber, Label: "身份证号", Control: form.NewText(km, false, 18), Check: checkID},
		form.Field{Key: fieldFacts, Label: "性别/出生日期", Width: 32, Control: &derived{st: st, value: func() string { return idFacts(f.Value(fieldIDNumber)) }}},
		form.Field{Key: fieldName, Label: "姓名", Control: form.NewText(km, false, 50), Check: func(_ *form.Form, v string) string {
			return domain.CheckText(v, 50, "姓名")
		}},
		form.Field{Key: fieldMobile, Label: "手机号码", Control: form.NewText(km, false, 11), Check: func(_ *form.Form, v string) string {
			return domain.CheckMobile(strings.TrimSpace(v))
		}},
		form.Field{Key: fieldPassword, Label: "密码", Control: form.NewText(km, true, 128), Check: func(_ *form.Form, v string) string {
			return domain.CheckPassword(v)
		}},
		form.Field{Key: fieldConfirm, Label: "确认密码", Control: form.NewText(km, true, 128), Check: form.SameAs(fieldPassword, "两次输入的密码不一致")},
	)
	return register.NewForm(c, "专业技术人员注册", Registered, f, func(f *form.Form) (string, func(context.Context) error) {
		r := domain.PersonRegistration{
			IDNumber: domain.NormalizeIDNumber(f.Value(fieldIDNumber)),
			Name:     strings.TrimSpace(f.Value(fieldName)),
			Mobile:   strings.TrimSpace(f.Value(fieldMobile)),
			Password: f.Value(fieldPassword),
		}
		persons := c.Services.Persons
		return r.IDNumber, func(ctx context.Context) error { return persons.RegisterPerson(ctx, r) }
	})
}
