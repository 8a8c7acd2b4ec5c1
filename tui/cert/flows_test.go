package cert_test

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/client"
	"jxjy/server/certpdf/pdftest"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/tui"
	"jxjy/tui/common"
	"jxjy/tui/tuitest"
)

// start opens the TUI against a real server over db; saved files land in
// a fresh folder, the one the UI "was started in".
func start(t *testing.T, db *store.DB) (*tuitest.Driver, *servertest.Env, string) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	env := servertest.Start(t, db, false)
	c := client.New(env.URL, client.Options{RetryWait: 1})
	s := common.Services{Auth: c, Ref: c, Admin: c, History: c, Records: c, Requirements: c, Certificates: c}
	return tuitest.New(t, tui.Options{Services: s, ServerURL: env.URL}), env, dir
}

// paneText is the module pane's text with its wrapped lines joined, for
// messages longer than a line.
func paneText(d *tuitest.Driver) string {
	var b strings.Builder
	for _, l := range strings.Split(d.View(), "\n") {
		// The open module has the whole width: │ text │.
		if right, ok := strings.CutPrefix(l, "│"); ok {
			b.WriteString(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(right), "│")))
		}
	}
	return b.String()
}

var numberRe = regexp.MustCompile(`GD\d{16}`)

// savedPDF is the one PDF in dir whose name holds who.
func savedPDF(t *testing.T, dir, who string) string {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(dir, "*"+who+"*.pdf"))
	if len(matches) != 1 {
		t.Fatalf("want one saved PDF for %s in %s, got %v", who, dir, matches)
	}
	return matches[0]
}

func lastYear() int { return time.Now().In(time.FixedZone("CST", 8*3600)).Year() - 1 }

// find types a name into 查找.
func find(d *tuitest.Driver, name string) {
	d.Type("/")
	d.Press(tea.KeyCtrlU)
	d.Type(name)
	d.Press(tea.KeyEnter)
}

// demo-unit prints a qualified person's certificate to a PDF whose
// Chinese extracts, regenerates it (the old number then verifies as
// voided), and is refused for a person short of hours with the shortfall.
func TestUnitPrintsRegeneratesAndIsRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, env, dir := start(t, db)
		d.Login(store.DemoUnit, store.DemoPassword)
		d.OpenModule("继续教育证书打印")
		d.MustSee(strconv.Itoa(lastYear())+"年度", "要求：总90 公需≥30 专业≥42", "李晓红", "可打印", "陈志明", "已发证",
			"⚠黄思琪") // the seeded 失信 entry
		d.Fits("print list")

		find(d, "李晓红")
		d.MustSee("查找：李晓红", "第 1 条，共 1 条")
		d.Type("p")
		d.MustSee("保存到", "enter 保存")
		d.Fits("save dialog")
		d.Press(tea.KeyEnter)
		d.MustSee("已保存到", "证书编号 GD"+strconv.Itoa(lastYear())+"440106")
		first := savedPDF(t, dir, "李晓红")
		number := numberRe.FindString(filepath.Base(first))
		text := pdftest.File(t, first)
		for _, want := range []string{"李晓红", number, "继续教育证书", "广州市天河区示范科技有限公司"} {
			if !strings.Contains(text, want) {
				t.Fatalf("PDF text lacks %q:\n%s", want, text)
			}
		}
		d.MustSee("已发证", "证书"+number)

		// 打印 again keeps the number; saving over the file asks first.
		d.Type("p")
		d.Press(tea.KeyEnter)
		d.MustSee("文件已存在，替换吗？")
		d.Type("n")
		d.Press(tea.KeyEsc)
		d.MustSee("未保存PDF")

		// 重新生成证书并打印: a reason, a new number, the old one voided.
		d.Type("g")
		d.MustSee("作废原因", number)
		d.Press(tea.KeyEnter)
		d.MustSee("请填写作废原因")
		d.Type("证书打印时姓名模糊")
		d.Press(tea.KeyEnter)
		d.MustSee("的证书 "+number, "并重新生成？(y/n)")
		d.Type("y")
		d.MustSee("保存到")
		d.Press(tea.KeyEnter)
		d.MustSee("原证书 "+number+" 已作废", "已保存到")
		anon := env.Client()
		old, err := anon.Verify(t.Context(), domain.VerifyRequest{Number: number, Code: codeOf(t, env, number)})
		if err != nil || old.Status != domain.CertificateVoided {
			t.Fatalf("old number: %+v %v", old, err)
		}
		d.Type("h")
		d.MustSee("李晓红 的"+strconv.Itoa(lastYear())+"年度证书", number, "已作废", "有效")
		d.Fits("history")
		d.Press(tea.KeyDown)
		d.MustSee("原因：证书打印时姓名模糊")
		d.Press(tea.KeyEsc)
		d.MustSee("查找：李晓红")

		// Short of hours: refused with the exact shortfall.
		find(d, "张丽娟")
		d.MustSee("未达标", "未达标：公需科目还差30学时")
		d.Type("p")
		want := "未达到" + strconv.Itoa(lastYear()) + "年度学时要求，不能打印证书：公需科目还差30学时，专业科目还差42学时，总学时还差90学时"
		if text := paneText(d); !strings.Contains(text, want) {
			t.Fatalf("refusal lacks the shortfall %q:\n%s", want, d.View())
		}
		d.Fits("refusal")
	})
}

// codeOf reads a certificate's verification code as its unit sees it.
func codeOf(t *testing.T, env *servertest.Env, number string) string {
	t.Helper()
	unit := tuitest.APIAs(t, env, store.DemoUnit)
	list, err := unit.ListCertificates(t.Context(), domain.CertificateQuery{Year: lastYear(), Name: "李晓红"})
	if err != nil || len(list.Rows.Items) != 1 {
		t.Fatalf("list: %v", err)
	}
	hist, err := unit.CertificateHistory(t.Context(), domain.CertificateHistoryRequest{PersonID: list.Rows.Items[0].PersonID, Year: lastYear()})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range hist {
		if c.Number == number {
			return c.VerificationCode
		}
	}
	t.Fatalf("no certificate %s", number)
	return ""
}

// A record confirmed after the list was shown: 重新统计学时 shows the new
// hours, for the person and for the whole unit.
func TestRecountShowsNewlyConfirmedHours(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, env, _ := start(t, db)
		d.Login(store.DemoUnit, store.DemoPassword)
		d.OpenModule("继续教育证书打印")
		find(d, "张丽娟")
		d.MustSee("未达标：公需科目还差30学时")

		unit := tuitest.APIAs(t, env, store.DemoUnit)
		list, err := unit.ListCertificates(t.Context(), domain.CertificateQuery{Year: lastYear(), Name: "张丽娟"})
		if err != nil {
			t.Fatal(err)
		}
		y := strconv.Itoa(lastYear())
		r, err := unit.CreateRecord(t.Context(), domain.RecordInput{PersonID: list.Rows.Items[0].PersonID,
			Category: domain.CategoryPublic, Form: "online", Title: "公需科目网络学习（补录）", Organizer: "广东省继续教育学院",
			StartDate: y + "-10-08", EndDate: y + "-10-12", Hours: domain.HoursOf(30)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := unit.ConfirmRecord(t.Context(), r.ID, r.Version); err != nil {
			t.Fatal(err)
		}
		d.Type("s")
		d.MustSee("重新统计完成：张丽娟 公需30", "未达标：专业科目还差42学时")
		d.MustNotSee("公需科目还差")

		d.Type("S")
		d.MustSee("重新统计完成：" + y + "年度共 26 人")
		d.Fits("recount summary")
	})
}

// Anyone checks a certificate from the login screen, without logging in.
func TestVerificationFromTheLoginScreen(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, env, _ := start(t, db)
		person := tuitest.APIAs(t, env, store.DemoPerson)
		mine, err := person.MyCertificates(t.Context())
		if err != nil || len(mine) != 1 {
			t.Fatalf("mine: %+v %v", mine, err)
		}
		c := mine[0]
		d.MustSee("查验证书真伪：ctrl+g")
		d.Press(tea.KeyCtrlG)
		d.MustSee("证书查验", "无需登录")
		d.Fits("verify form")
		d.Type(strings.ToLower(c.Number))
		d.Press(tea.KeyEnter)
		d.Type("22222222")
		d.Press(tea.KeyEnter)
		if c.VerificationCode != "22222222" {
			d.MustSee("证书编号或验证码不正确")
		}
		d.Press(tea.KeyCtrlU)
		d.Type(c.VerificationCode)
		d.Press(tea.KeyEnter)
		d.MustSee("证书状态：有效", "陈志明（440106********2517）", strconv.Itoa(c.Year)+"年度", "广州市人力资源和社会保障局")
		d.Fits("verified")
		// 王建华's first number was voided by a regeneration: the answer
		// names the number that replaced it.
		unit := tuitest.APIAs(t, env, store.DemoUnit)
		list, err := unit.ListCertificates(t.Context(), domain.CertificateQuery{Year: lastYear(), Name: "王建华"})
		if err != nil || len(list.Rows.Items) != 1 {
			t.Fatalf("list: %+v %v", list, err)
		}
		hist, err := unit.CertificateHistory(t.Context(), domain.CertificateHistoryRequest{PersonID: list.Rows.Items[0].PersonID, Year: lastYear()})
		if err != nil {
			t.Fatal(err)
		}
		var voided, current domain.Certificate
		for _, h := range hist {
			if h.Status == domain.CertificateVoided {
				voided = h
			} else {
				current = h
			}
		}
		d.Press(tea.KeyCtrlU)
		d.Press(tea.KeyShiftTab)
		d.Press(tea.KeyCtrlU)
		d.Type(voided.Number)
		d.Press(tea.KeyEnter)
		d.Type(voided.VerificationCode)
		d.Press(tea.KeyEnter)
		d.MustSee("证书状态：已作废", "现行证书："+current.Number)
		d.Fits("voided")
		d.Press(tea.KeyEsc)
		d.MustSee("用户登录")
	})
}

// The person sees and saves their own certificate.
func TestPersonSavesOwnCertificate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, _, dir := start(t, db)
		d.Login(store.DemoPerson, store.DemoPassword)
		d.OpenModule("我的证书")
		d.MustSee(strconv.Itoa(lastYear()), "GD"+strconv.Itoa(lastYear())+"440106000001", "有效", "验证码")
		d.Fits("my certificates")
		d.Type("p")
		d.MustSee("保存到")
		d.Press(tea.KeyEnter)
		d.MustSee("已保存到")
		if text := pdftest.File(t, savedPDF(t, dir, "陈志明")); !strings.Contains(text, "陈志明") {
			t.Fatalf("PDF text:\n%s", text)
		}
	})
}

// The administrator changes a year's requirement; a mistake stays at its
// field with what was typed.
func TestAdminEditsARequirement(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, env, _ := start(t, db)
		d.Login(store.DemoAdmin, store.DemoPassword)
		d.OpenModule("学时要求设置")
		this := strconv.Itoa(lastYear() + 1)
		d.MustSee(this, "90", "42")
		d.Fits("requirements")
		d.Type("e")
		d.MustSee("修改" + this + "年度学时要求")
		d.Press(tea.KeyCtrlU)
		d.Type("60")
		d.Press(tea.KeyEnter, tea.KeyEnter, tea.KeyEnter, tea.KeyEnter)
		d.MustSee("公需科目与专业科目学时之和不能超过", "[60")
		d.Press(tea.KeyShiftTab, tea.KeyShiftTab)
		d.Press(tea.KeyCtrlU)
		d.Type("96.5")
		d.Press(tea.KeyEnter, tea.KeyEnter, tea.KeyEnter, tea.KeyEnter)
		d.MustSee("已保存" + this + "年度学时要求：总学时96.5")
		reqs, err := tuitest.APIAs(t, env, store.DemoUnit).Requirements(t.Context())
		if err != nil || reqs[0].Total != 193 {
			t.Fatalf("requirements: %+v %v", reqs, err)
		}
		d.Type("h")
		d.MustSee(this+"年度学时要求的修改记录", "系统管理员", "总学时96.5")
		d.Fits("requirement history")
		d.Press(tea.KeyEsc)
		d.MustSee("每日上限")
	})
}

// Changing a year whose certificates were issued asks first, naming how
// many there are and that they stay valid.
func TestRequirementOfAYearWithCertificatesAsksFirst(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, env, _ := start(t, db)
		d.Login(store.DemoProvince, store.DemoPassword)
		d.OpenModule("学时要求设置")
		year := strconv.Itoa(lastYear())
		d.MustSee(year)
		d.Press(tea.KeyDown)
		d.Type("e")
		d.MustSee("修改" + year + "年度学时要求")
		d.Press(tea.KeyCtrlU)
		d.Type("100")
		d.Press(tea.KeyEnter, tea.KeyEnter, tea.KeyEnter, tea.KeyEnter)
		d.MustSee("已发放", "张有效的继续教育证书", "确定修改吗？(y/n)")
		d.Fits("asks about the certificates")
		d.Type("n")
		d.MustNotSee("确定修改吗")
		d.MustSee("修改" + year + "年度学时要求")
		d.Press(tea.KeyEnter)
		d.MustSee("确定修改吗？(y/n)")
		d.Type("y")
		d.MustSee("已保存" + year + "年度学时要求：总学时100")
		reqs, err := tuitest.APIAs(t, env, store.DemoUnit).Requirements(t.Context())
		if err != nil || reqs[1].Total != domain.HoursOf(100) {
			t.Fatalf("requirements: %+v %v", reqs, err)
		}
	})
}
