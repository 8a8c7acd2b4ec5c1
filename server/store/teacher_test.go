package store_test

import (
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

func teacherInput(name, gender, id string) domain.TeacherInput {
	return domain.TeacherInput{Name: name, Gender: gender, IDNumber: id, Title: "副教授", Specialty: "软件工程",
		Employer: "华南师范大学", Mobile: "13822223333", Summary: "主讲软件测试。"}
}

func enabledNames(t *testing.T, e *personnel) map[string]bool {
	t.Helper()
	page, err := e.teachers.EnabledTeachers(e.unit, domain.TeacherFilter{PageRequest: domain.PageRequest{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, tc := range page.Items {
		if !tc.Enabled() {
			t.Fatalf("the picker offered disabled %s", tc.Name)
		}
		names[tc.Name] = true
	}
	return names
}

func TestTeacherLifecycle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPersonnel(t, db)
		all, err := e.teachers.ListTeachers(e.unit, domain.TeacherFilter{})
		if err != nil || all.Total != 8 {
			t.Fatalf("demo teachers: %d %v", all.Total, err)
		}
		if names := enabledNames(t, e); len(names) != 6 || names["赵国栋"] {
			t.Fatalf("enabled demo teachers: %v", names)
		}

		id := idNumber("44010619800515202")
		tc, err := e.teachers.CreateTeacher(e.unit, teacherInput(" 邱雅文 ", "", id))
		if err != nil {
			t.Fatal(err)
		}
		if tc.Name != "邱雅文" || tc.Gender != "女" || tc.IDNumber != id || tc.State != domain.TeacherEnabled || tc.UnitID != e.unitID {
			t.Fatalf("created: %+v", tc)
		}
		_, err = e.teachers.CreateTeacher(e.unit, teacherInput("邱雅文", "女", id))
		wantField(t, err, domain.CodeConflict, "id_number", "本单位已有")
		if _, err := e.teachers.CreateTeacher(e.other, teacherInput("邱雅文", "女", id)); err != nil {
			t.Fatalf("another unit may list the same person: %v", err)
		}
		_, err = e.teachers.CreateTeacher(e.unit, teacherInput("某", "男", badCheck("44010619800515213")))
		wantField(t, err, domain.CodeInvalid, "id_number", "校验位")
		_, err = e.teachers.CreateTeacher(e.unit, teacherInput("", "", ""))
		wantField(t, err, domain.CodeInvalid, "name", "")
		wantField(t, err, domain.CodeInvalid, "gender", "请选择性别")
		_, err = e.teachers.CreateTeacher(e.unit, teacherInput("某", "女", idNumber("44010619800515211")))
		wantField(t, err, domain.CodeInvalid, "gender", "性别与身份证号不符")
		noID, err := e.teachers.CreateTeacher(e.unit, teacherInput("马可", "男", ""))
		if err != nil || noID.IDNumber != "" {
			t.Fatalf("without ID number: %+v %v", noID, err)
		}
		if _, err := e.teachers.CreateTeacher(e.unit, teacherInput("马可二", "男", "")); err != nil {
			t.Fatalf("two teachers without ID numbers: %v", err)
		}

		// Disabled teachers leave the picker and come back when enabled.
		off, err := e.teachers.DisableTeacher(e.unit, tc.ID, domain.VersionRef{Version: tc.Version})
		if err != nil || off.State != domain.TeacherDisabled || off.Version != tc.Version+1 {
			t.Fatalf("disable: %+v %v", off, err)
		}
		if enabledNames(t, e)["邱雅文"] {
			t.Fatal("a disabled teacher is still offered")
		}
		_, err = e.teachers.DisableTeacher(e.unit, tc.ID, domain.VersionRef{Version: off.Version})
		wantCode(t, err, domain.CodeConflict)
		_, err = e.teachers.EnableTeacher(e.unit, tc.ID, domain.VersionRef{Version: tc.Version})
		wantCode(t, err, domain.CodeConflict)
		on, err := e.teachers.EnableTeacher(e.unit, tc.ID, domain.VersionRef{Version: off.Version})
		if err != nil || !on.Enabled() || !enabledNames(t, e)["邱雅文"] {
			t.Fatalf("enable: %+v %v", on, err)
		}
		if p, _ := e.teachers.ListTeachers(e.unit, domain.TeacherFilter{State: domain.TeacherDisabled}); p.Total != 2 {
			t.Fatalf("disabled: %d", p.Total)
		}
		if p, _ := e.teachers.ListTeachers(e.unit, domain.TeacherFilter{Name: "雅"}); p.Total != 1 || p.Items[0].ID != tc.ID {
			t.Fatalf("by name: %+v", p)
		}
		_, err = e.teachers.ListTeachers(e.unit, domain.TeacherFilter{State: "retired"})
		wantField(t, err, domain.CodeInvalid, "state", "")

		in := teacherInput("邱雅文", "", id)
		in.Title, in.Version = "教授", on.Version
		upd, err := e.teachers.UpdateTeacher(e.unit, tc.ID, in)
		if err != nil || upd.Title != "教授" || upd.Gender != "女" {
			t.Fatalf("update: %+v %v", upd, err)
		}
		_, err = e.teachers.UpdateTeacher(e.unit, tc.ID, in)
		wantCode(t, err, domain.CodeConflict)
		dupIn := teacherInput("马可", "", id)
		dupIn.Version = noID.Version
		_, err = e.teachers.UpdateTeacher(e.unit, noID.ID, dupIn)
		wantField(t, err, domain.CodeConflict, "id_number", "本单位已有")

		// Delete: refused for a teacher a class used, allowed otherwise.
		if err := db.Exec(t.Context(), `INSERT INTO class_teachers (class_id, teacher_id, role) VALUES (1, $1, 'lecturer')`, upd.ID); err != nil {
			t.Fatal(err)
		}
		err = e.teachers.DeleteTeacher(e.unit, upd.ID, domain.VersionRef{Version: upd.Version})
		if de := wantCode(t, err, domain.CodeConflict); de.Message != "已被培训班使用，请改为禁用" {
			t.Fatalf("in-use message %q", de.Message)
		}
		wantCode(t, e.teachers.DeleteTeacher(e.unit, noID.ID, domain.VersionRef{Version: noID.Version + 1}), domain.CodeConflict)
		if err := e.teachers.DeleteTeacher(e.unit, noID.ID, domain.VersionRef{Version: noID.Version}); err != nil {
			t.Fatal(err)
		}
		_, err = e.teachers.GetTeacher(e.unit, noID.ID)
		wantCode(t, err, domain.CodeNotFound)
		if got, err := e.teachers.GetTeacher(e.unit, upd.ID); err != nil || got.Name != "邱雅文" {
			t.Fatalf("a used teacher was deleted: %+v %v", got, err)
		}
		h, err := db.History(t.Context(), domain.EntityTeacher, tc.ID)
		if err != nil || len(h) != 4 || h[1].To != "disabled" || h[2].To != "enabled" || h[3].Comment != "修改教师信息" {
			t.Fatalf("history: %+v %v", h, err)
		}
		if h, _ := db.History(t.Context(), domain.EntityTeacher, noID.ID); len(h) != 2 || h[1].Comment != "删除教师 马可" {
			t.Fatalf("delete history: %+v", h)
		}
	})
}

func TestUnitsSeeOnlyTheirOwnTeachers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPersonnel(t, db)
		page, err := e.teachers.ListTeachers(e.unit, domain.TeacherFilter{})
		if err != nil || page.Total == 0 {
			t.Fatal(err)
		}
		tc := page.Items[0]
		v := domain.VersionRef{Version: tc.Version}
		for name, err := range map[string]error{
			"get": func() error { _, err := e.teachers.GetTeacher(e.other, tc.ID); return err }(),
			"update": func() error {
				in := teacherInput("X", "男", "")
				in.Version = tc.Version
				_, err := e.teachers.UpdateTeacher(e.other, tc.ID, in)
				return err
			}(),
			"enable":  func() error { _, err := e.teachers.EnableTeacher(e.other, tc.ID, v); return err }(),
			"disable": func() error { _, err := e.teachers.DisableTeacher(e.other, tc.ID, v); return err }(),
			"delete":  e.teachers.DeleteTeacher(e.other, tc.ID, v),
		} {
			if domain.ErrorCode(err) != domain.CodeNotFound {
				t.Errorf("%s of another unit's teacher: %v", name, err)
			}
		}
		if p, _ := e.teachers.ListTeachers(e.other, domain.TeacherFilter{}); p.Total != 0 {
			t.Fatalf("another unit lists %d teachers", p.Total)
		}
		if p, _ := e.teachers.EnabledTeachers(e.other, domain.TeacherFilter{}); p.Total != 0 {
			t.Fatalf("another unit picks from %d teachers", p.Total)
		}
		if got, _ := e.teachers.GetTeacher(e.unit, tc.ID); got.Version != tc.Version || got.Name != tc.Name {
			t.Fatalf("a refused call changed the teacher: %+v", got)
		}
		_, err = e.teachers.ListTeachers(e.person, domain.TeacherFilter{})
		wantCode(t, err, domain.CodeForbidden)
		newUnit := as(t, e.auth, login(t, e.auth, store.DemoNewUnit, store.DemoPassword))
		_, err = e.teachers.CreateTeacher(newUnit, teacherInput("某", "男", ""))
		wantCode(t, err, domain.CodeModuleLocked)
	})
}

func TestDemoPersonnel(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPersonnel(t, db)
		page, err := e.persons.ListPersons(e.unit, domain.PersonFilter{PageRequest: domain.PageRequest{Limit: 200}})
		if err != nil {
			t.Fatal(err)
		}
		byStatus := map[domain.Affiliation]int{}
		for _, p := range page.Items {
			byStatus[p.Status]++
			info, msg := domain.ParseIDNumber(p.IDNumber, time.Now())
			if msg != "" || info.AreaCode[:4] != "4401" || info.Gender != p.Gender || info.Birth.Format(domain.DateLayout) != p.BirthDate {
				t.Errorf("demo person %s %s: %s", p.Name, p.IDNumber, msg)
			}
			if p.Mobile != "" && domain.CheckMobile(p.Mobile) != "" || p.Email != "" && domain.CheckEmail(p.Email) != "" {
				t.Errorf("demo person %s contact %s %s", p.Name, p.Mobile, p.Email)
			}
			if p.Status == domain.AffiliationPending != p.HasAccount && p.IDNumber != store.DemoPerson {
				t.Errorf("demo person %s: claimants and only they (and the demo person) have logins", p.Name)
			}
		}
		if byStatus[domain.AffiliationConfirmed] != 26 || byStatus[domain.AffiliationPending] != 4 {
			t.Fatalf("demo persons by status: %v", byStatus)
		}
		sess := login(t, e.auth, store.DemoPerson, store.DemoPassword)
		me, err := e.persons.MyPerson(as(t, e.auth, sess))
		if err != nil || me.Status != domain.AffiliationConfirmed || me.UnitID != e.unitID || me.Name != "陈志明" || sess.User.MustChangePassword {
			t.Fatalf("demo person: %+v %v", me, err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM persons WHERE status = 'none' AND user_id IS NOT NULL"); n != 1 {
			t.Fatalf("%d unaffiliated demo persons", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM users WHERE role = 'person'"); n != 6 {
			t.Fatalf("%d person logins, want the demo person, 4 claimants and 1 unaffiliated", n)
		}
		if h, _ := db.History(t.Context(), domain.EntityPerson, me.ID); len(h) != 3 || h[2].To != "confirmed" {
			t.Fatalf("demo person history: %+v", h)
		}
	})
}
