package tui

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/mattn/go-runewidth"

	"jxjy/client"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/tui/common"
	"jxjy/tui/textwidth"
)

// fakeApps stands in for the onboarding services in tests about other
// screens: the logged-in unit's application, as its session has it.
type fakeApps struct{ session func() *domain.Session }

var errFakeNotFound = domain.Errorf(domain.CodeNotFound, "不存在")

func (f fakeApps) MyApplication(context.Context) (domain.UnitApplication, error) {
	a := domain.UnitApplication{ID: 1, Name: "广州新注册单位", USCC: "91440101MA5911110H", Status: domain.ApplicationDraft, Version: 1}
	if s := f.session(); s != nil && s.User.UnitStatus != "" {
		a.Status = s.User.UnitStatus
	}
	return a, nil
}

func (f fakeApps) SaveApplication(ctx context.Context, _ domain.ApplicationForm) (domain.UnitApplication, error) {
	return f.MyApplication(ctx)
}

func (f fakeApps) SubmitApplication(ctx context.Context, _ domain.ApplicationSubmit) (domain.UnitApplication, error) {
	return f.MyApplication(ctx)
}

func (f fakeApps) UpdateUnitInfo(ctx context.Context, _ domain.UnitInfo) (domain.UnitApplication, error) {
	return f.MyApplication(ctx)
}

func (fakeApps) ListApplications(context.Context, domain.ApplicationQuery) (domain.Page[domain.UnitApplication], error) {
	return domain.Page[domain.UnitApplication]{Items: []domain.UnitApplication{}}, nil
}

func (fakeApps) GetApplication(context.Context, int64) (domain.UnitApplication, error) {
	return domain.UnitApplication{}, errFakeNotFound
}

func (fakeApps) ReviewApplication(context.Context, int64, domain.ApplicationReview) (domain.UnitApplication, error) {
	return domain.UnitApplication{}, errFakeNotFound
}

func (fakeApps) ListAttachments(context.Context, string, int64) ([]domain.Attachment, error) {
	return []domain.Attachment{}, nil
}

func (fakeApps) UploadAttachment(context.Context, domain.AttachmentUpload) (domain.Attachment, error) {
	return domain.Attachment{}, errFakeNotFound
}

func (fakeApps) OpenAttachment(context.Context, int64) (domain.Attachment, io.ReadCloser, error) {
	return domain.Attachment{}, nil, errFakeNotFound
}

func (fakeApps) DeleteAttachment(context.Context, int64) error { return errFakeNotFound }

func (fakeApps) History(context.Context, string, int64) ([]domain.AuditEntry, error) {
	return []domain.AuditEntry{}, nil
}

// serverDriver is a UI on a real server through the real client, as an
// operator's terminal is.
func serverDriver(t *testing.T, env *servertest.Env, ascii bool) *driver {
	t.Helper()
	c := env.Client()
	d := &driver{t: t}
	d.m = New(Options{
		Services: common.Services{Auth: c, Ref: c, Admin: c, Applications: c, Attachments: c, History: c},
		ASCII:    ascii, ServerURL: env.URL,
	})
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.run(d.m.Init())
	return d
}

// field types value into the focused field after clearing it.
func (d *driver) field(value string) {
	d.press(tea.KeyCtrlU)
	d.typeText(value)
}

// apiAs is a client logged in as username, for checks behind the UI.
func apiAs(t *testing.T, env *servertest.Env, username string) *client.Client {
	t.Helper()
	c := env.Client()
	cap, err := c.NewCaptcha(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(context.Background(), domain.LoginRequest{Username: username, Password: store.DemoPassword,
		CaptchaID: cap.ID, CaptchaCode: "x"}); err != nil {
		t.Fatal(err)
	}
	return c
}

// fillApplication types the demo application from the 单位类型 field on.
func fillApplication(d *driver) {
	d.press(tea.KeyTab, tea.KeyTab)
	d.typeText("企业")
	d.press(tea.KeyTab)
	d.typeText("越秀")
	d.mustSee("主管部门：广州市人力资源和社会保障") // the competent one, not picked (wrapped at 80 columns)
	for _, v := range []string{"赵立新", "孙小梅", "020-83334567"} {
		d.press(tea.KeyTab)
		d.field(v)
	}
	d.press(tea.KeyTab)
	d.field("137")
	d.mustSee("手机号码应为1开头的11位数字") // checked as it is typed
	errorAt(d.t, d.view(), "移动电话：", "手机号码应为1开头的11位数字")
	d.typeText("11112222")
	d.mustNotSee("手机号码应为")
	for _, v := range []string{"hr@xinchuang.cn", "510030", "广州市越秀区东风中路300号", "信息技术服务"} {
		d.press(tea.KeyTab)
		d.field(v)
	}
}

// errorAt checks that msg shows at the field labelled label: beside it,
// or on the line below when the line has no room.
func errorAt(t *testing.T, view, label, msg string) {
	t.Helper()
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		if strings.Contains(l, label) {
			if strings.Contains(l, msg) || i+1 < len(lines) && strings.Contains(lines[i+1], msg) {
				return
			}
			break
		}
	}
	t.Fatalf("%q not at %s:\n%s", msg, label, view)
}

// writeFiles makes the operator's folder: a licence scan in a sub-folder,
// an empty file and a program.
func writeFiles(t *testing.T) (dir string, pdf []byte) {
	dir = t.TempDir()
	pdf = store.DemoPDF("licence")
	if err := os.Mkdir(filepath.Join(dir, "扫描件"), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string][]byte{
		"扫描件/营业执照.pdf": pdf, "empty.pdf": nil, "tool.exe": []byte("MZ"),
		"营业执照.pdf": []byte("an older copy"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir, pdf
}

// The acceptance walk: demo-new-unit applies with a PDF, demo-authority
// returns it with a reason, the unit fixes and resubmits, the authority
// approves, and the unit's full menu appears without logging in again.
func TestOnboardingWalkThroughTheUI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		dir, pdf := writeFiles(t)
		t.Chdir(dir)

		unit := serverDriver(t, env, false)
		unit.login(store.DemoNewUnit, store.DemoPassword)
		unit.mustSee("申请状态：草稿")
		unit.mustNotSee("法人单位信息维护")
		unit.press(tea.KeyEnter)
		unit.mustSee("状态：草稿", "广州市越秀区新创信息技术有限公司", "申请信息", "附件(0)")

		// 第一、二步: fill in and save.
		fillApplication(unit)
		unit.press(tea.KeyCtrlS)
		unit.mustSee("已保存")
		api := apiAs(t, env, store.DemoNewUnit)
		saved, err := api.MyApplication(context.Background())
		if err != nil || saved.RegionCode != "440104" || saved.AuthorityName != "广州市人力资源和社会保障局" ||
			saved.UnitType != "enterprise" || saved.Mobile != "13711112222" || saved.Summary != "信息技术服务" {
			t.Fatalf("saved application: %+v %v", saved, err)
		}

		// Not without a file.
		unit.press(tea.KeyCtrlT)
		unit.mustSee("请至少上传一个附件")

		// 第三步: upload, picked from the folder; refusals are explained.
		unit.press(tea.KeyCtrlN)
		unit.mustSee("暂无附件")
		unit.typeText("u")
		unit.mustSee("文件路径：")
		unit.typeText("empty.pdf")
		unit.press(tea.KeyEnter)
		unit.mustSee("文件为空，请选择有内容的文件")
		unit.field("tool.exe")
		unit.press(tea.KeyEnter)
		unit.mustSee("只能上传", "PDF、JPG")
		unit.press(tea.KeyTab)
		unit.mustSee("扫描件"+string(filepath.Separator), "empty.pdf", "位置：")
		unit.press(tea.KeyEnter) // into 扫描件/
		unit.mustSee("营业执照.pdf")
		unit.press(tea.KeyEnter)
		unit.mustSee("已上传：营业执照.pdf", "附件(1)")

		// 第四步: 送审 right from the 附件 panel, confirmed.
		unit.mustSee("ctrl+t 送审")
		unit.press(tea.KeyCtrlT)
		unit.mustSee("送审“广州市越秀区新创信息技术有限公司”", "(y/n)")
		unit.typeText("y")
		unit.mustSee("已送审，请等待主管部门审核", "状态：已送审")
		unit.mustNotSee("[") // read-only: no input fields

		// The authority opens it from its queue, with the file and history.
		gz := serverDriver(t, env, false)
		gz.login(store.DemoAuthority, store.DemoPassword)
		gz.press(tea.KeyEnter)
		gz.mustSee("待审核", "广州市海珠区粤华建筑设计", "广州市越秀区新创信息技术")
		gz.press(tea.KeyEnd, tea.KeyEnter)
		gz.mustSee("广州市越秀区新创信息技术有限公司  已送审", "越秀区", "赵立新")
		gz.press(tea.KeyCtrlN)
		gz.mustSee("营业执照.pdf")
		gz.mustNotSee("u 上传", "x 删除")
		gz.typeText("d")
		gz.mustSee("保存到：")
		gz.press(tea.KeyEnter)
		gz.mustSee("已存在，覆盖吗？(y/n)")
		gz.typeText("n")
		if b, _ := os.ReadFile(filepath.Join(dir, "营业执照.pdf")); string(b) != "an older copy" {
			t.Fatal("a file was replaced without consent")
		}
		gz.typeText("d")
		gz.press(tea.KeyEnter)
		gz.typeText("y")
		gz.mustSee("已保存到")
		if b, _ := os.ReadFile(filepath.Join(dir, "营业执照.pdf")); !bytes.Equal(b, pdf) {
			t.Fatalf("downloaded %d bytes, want the uploaded PDF", len(b))
		}
		gz.press(tea.KeyCtrlN)
		gz.mustSee("状态由「草稿」改为「已送审」", "上传附件 营业执照.pdf")

		// 退回 needs a reason.
		gz.typeText("r")
		gz.press(tea.KeyEnter)
		gz.mustSee("请填写退回原因")
		gz.typeText("营业执照扫描件不清晰，请重新上传")
		gz.press(tea.KeyEnter)
		gz.mustSee("退回“广州市越秀区新创信息技术有限公司”", "(y/n)")
		gz.typeText("y")
		gz.mustSee("已退回，单位修改后可重新送审", "已退回")

		// The unit sees the reason, fixes and sends again.
		unit.press(tea.KeyCtrlR)
		unit.mustSee("状态：已退回", "退回原因：营业执照扫描件不清晰，请重新上传")
		unit.press(tea.KeyCtrlP) // from 附件, where it sent the application, back to 申请信息
		unit.mustSee("单位通讯地址：[")
		unit.press(tea.KeyShiftTab)
		unit.field("广州市越秀区东风中路300号5楼")
		unit.press(tea.KeyCtrlT)
		unit.typeText("y")
		unit.mustSee("已送审，请等待主管部门审核")
		again, _ := api.MyApplication(context.Background())
		if again.Address != "广州市越秀区东风中路300号5楼" || again.Status != domain.ApplicationSubmitted {
			t.Fatalf("resubmitted: %+v", again)
		}

		// The authority approves.
		gz.press(tea.KeyEsc)
		gz.mustSee("待审核")
		gz.press(tea.KeyCtrlR)
		gz.press(tea.KeyEnd, tea.KeyEnter)
		gz.typeText("a")
		gz.mustSee("同意“广州市越秀区新创信息技术有限公司”", "(y/n)")
		gz.typeText("y")
		gz.mustSee("已同意，该单位的其他功能已开通", "已通过")

		// Refreshing shows the unit its full menu, in the same session.
		unit.press(tea.KeyCtrlR)
		unit.mustSee("状态：已通过")
		unit.press(tea.KeyEsc) // the menu, hidden while the module has the keyboard
		unit.mustSee("法人单位信息维护", "专业课计划申报")
		unit.mustNotSee("申请状态：")
		unit.press(tea.KeyEnter)
		unit.press(tea.KeyCtrlN)
		unit.press(tea.KeyCtrlN)
		unit.mustSee("状态由「已送审」改为「已通过」")

		// 法人单位信息维护: saved at once; a stale save keeps the input.
		unit.press(tea.KeyEsc, tea.KeyDown, tea.KeyEnter)
		unit.mustSee("统一社会信用代码：91440104MA5AB3C4D", "联系人：")
		unit.field("刘芳")
		unit.press(tea.KeyCtrlS)
		unit.mustSee("已保存")
		mine, _ := api.MyApplication(context.Background())
		if mine.ContactPerson != "刘芳" {
			t.Fatalf("info not saved: %+v", mine)
		}
		info := domain.InfoOf(mine)
		info.Email = "office@xinchuang.cn"
		if _, err := api.UpdateUnitInfo(context.Background(), info); err != nil {
			t.Fatal(err)
		}
		unit.press(tea.KeyTab, tea.KeyTab)
		unit.field("13922223333")
		unit.press(tea.KeyCtrlS)
		unit.mustSee("数据已被他人修改，请刷新后重试", "13922223333")
	})
}

// Server-side field errors land at their fields, and a stale save keeps
// everything the operator typed.
func TestApplicationServerErrorsKeepInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		unit := serverDriver(t, env, false)
		unit.login(store.DemoNewUnit, store.DemoPassword)
		unit.press(tea.KeyEnter)
		unit.press(tea.KeyTab)
		unit.field("91440101MA5911110X")
		unit.mustSee("统一社会信用代码校验位不正确")
		taken, err := apiAs(t, env, store.DemoUnit).MyApplication(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		unit.field(taken.USCC)
		unit.mustNotSee("校验位")
		unit.press(tea.KeyCtrlS)
		errorAt(t, unit.view(), "统一社会信用代码：", "该统一社会信用代码已注册")

		// Someone else saves meanwhile (the same account in another session).
		api := apiAs(t, env, store.DemoNewUnit)
		a, _ := api.MyApplication(context.Background())
		f := domain.FormOf(a)
		f.LegalRep = "别处保存"
		if _, err := api.SaveApplication(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		unit.field("91440101MA5911110H")
		unit.press(tea.KeyTab, tea.KeyTab, tea.KeyTab, tea.KeyTab)
		unit.typeText("张法人")
		unit.press(tea.KeyCtrlS)
		unit.mustSee("数据已被他人修改，请刷新后重试", "张法人")
		now, _ := api.MyApplication(context.Background())
		if now.LegalRep != "别处保存" {
			t.Fatalf("a stale save overwrote: %+v", now)
		}
		// Reloading takes the stored data.
		unit.press(tea.KeyCtrlR)
		unit.mustSee("别处保存")
		unit.mustNotSee("张法人")
	})
}

// onboardingShots are the onboarding screens at 80×24 with wide data.
func onboardingShots(t *testing.T, env *servertest.Env, ascii bool) map[string]string {
	shots := map[string]string{}
	unit := serverDriver(t, env, ascii)
	unit.login(store.DemoNewUnit, store.DemoPassword)
	unit.press(tea.KeyEnter)
	shots["apply form"] = unit.m.View()
	unit.press(tea.KeyTab, tea.KeyTab, tea.KeyTab)
	unit.typeText("广州")
	shots["apply region picker"] = unit.m.View()
	unit.press(tea.KeyCtrlT)
	shots["apply incomplete"] = unit.m.View()
	unit.press(tea.KeyCtrlN)
	unit.typeText("u")
	unit.typeText(strings.Repeat("很长的文件夹名称/", 8) + "营业执照.pdf")
	unit.press(tea.KeyEnter)
	shots["apply upload refused"] = unit.m.View()
	unit.press(tea.KeyTab)
	shots["apply picker"] = unit.m.View()
	unit.press(tea.KeyEsc, tea.KeyEsc)
	unit.press(tea.KeyCtrlN)
	shots["apply history"] = unit.m.View()

	gz := serverDriver(t, env, ascii)
	gz.login(store.DemoAuthority, store.DemoPassword)
	gz.press(tea.KeyEnter)
	shots["review queue"] = gz.m.View()
	gz.press(tea.KeyEnter)
	shots["review detail"] = gz.m.View()
	gz.press(tea.KeyCtrlN)
	shots["review files"] = gz.m.View()
	gz.typeText("r")
	gz.press(tea.KeyEnter)
	shots["review reason"] = gz.m.View()

	approved := serverDriver(t, env, ascii)
	approved.login(store.DemoUnit, store.DemoPassword)
	approved.press(tea.KeyDown, tea.KeyEnter)
	approved.press(tea.KeyTab, tea.KeyTab, tea.KeyTab)
	approved.field("bad")
	approved.press(tea.KeyCtrlS)
	shots["info errors"] = approved.m.View()
	approved.press(tea.KeyEsc, tea.KeyUp, tea.KeyEnter)
	shots["apply approved"] = approved.m.View()
	return shots
}

func TestOnboardingScreensFit80x24(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		t.Chdir(t.TempDir())
		for _, ascii := range []bool{false, true} {
			for name, v := range onboardingShots(t, env, ascii) {
				plain := ansiRe.ReplaceAllString(v, "")
				lines := strings.Split(plain, "\n")
				if len(lines) != 24 {
					t.Errorf("%s (ascii=%v): %d lines", name, ascii, len(lines))
				}
				for i, l := range lines {
					if w := textwidth.Width(l); w != 80 {
						t.Errorf("%s (ascii=%v) line %d: %d cells: %q", name, ascii, i+1, w, l)
					}
				}
				if !ascii {
					continue
				}
				for _, r := range plain {
					if (r >= 0x2500 && r <= 0x257F) || runewidth.IsAmbiguousWidth(r) {
						t.Errorf("%s: ASCII theme shows %q (U+%04X)", name, r, r)
					}
				}
			}
		}
	})
}

func TestReviewQueueFilters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		gz := serverDriver(t, env, false)
		gz.login(store.DemoAuthority, store.DemoPassword)
		gz.press(tea.KeyEnter)
		gz.mustSee("状态： 待审核", "广州市海珠区粤华建筑设计", "第 1 条，共 1 条")
		gz.press(tea.KeyTab)
		gz.mustSee("已退回", "没有符合条件的申请", "共 0 条")
		gz.press(tea.KeyTab)
		gz.mustSee("已通过", "广州市天河区示范科技", "已通过")
		gz.press(tea.KeyTab)
		gz.mustSee("全部", "广州市天河区示范科技", "广州市海珠区粤华建筑设计")
		gz.typeText("/")
		if !gz.m.screen.Typing() {
			t.Fatal("the name filter must take letters")
		}
		gz.typeText("海珠")
		gz.press(tea.KeyEnter)
		gz.mustSee("名称含：海珠", "广州市海珠区粤华建筑设计", "共 1 条")
		gz.mustNotSee("广州市天河区示范科技")
		gz.press(tea.KeyEnter)
		gz.mustSee("已送审", "附件(1)")
		gz.press(tea.KeyEsc)
		// A draft (demo-new-unit's) never shows, whatever the filter.
		gz.typeText("/")
		gz.press(tea.KeyCtrlU)
		gz.typeText("新创")
		gz.press(tea.KeyEnter)
		gz.mustSee("共 0 条")
	})
}
