package api

import (
	"context"
	"net/http"

	"jxjy/server/domain"
)

// teacherRoutes are 师资信息维护, for units.
func (a *API) teacherRoutes() []Route {
	unit := Access{Roles: []domain.Role{domain.RoleUnit}}
	ts := a.cfg.Teachers
	return []Route{
		{Method: "GET", Path: "/teachers", Summary: "本单位师资（name、state、limit、offset）", Access: unit, handler: a.listTeachers(ts.ListTeachers)},
		{Method: "GET", Path: "/teachers/enabled", Summary: "可选作授课教师或班主任的师资（name、limit、offset）", Access: unit, handler: a.listTeachers(ts.EnabledTeachers)},
		{Method: "POST", Path: "/teachers", Summary: "新增教师", Access: unit, handler: bodyResult(http.StatusCreated, ts.CreateTeacher)},
		{Method: "GET", Path: "/teachers/{id}", Summary: "教师详情", Access: unit, handler: withID(ts.GetTeacher)},
		{Method: "POST", Path: "/teachers/{id}", Summary: "修改教师", Access: unit, handler: withIDBody(ts.UpdateTeacher)},
		{Method: "POST", Path: "/teachers/{id}/enable", Summary: "启用教师", Access: unit, handler: withIDBody(ts.EnableTeacher)},
		{Method: "POST", Path: "/teachers/{id}/disable", Summary: "禁用教师", Access: unit, handler: withIDBody(ts.DisableTeacher)},
		{Method: "DELETE", Path: "/teachers/{id}", Summary: "删除教师（version）", Access: unit, handler: a.deleteTeacher},
	}
}

func (a *API) listTeachers(list func(context.Context, domain.TeacherFilter) (domain.Page[domain.Teacher], error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		page, err := pageParams(r)
		if err != nil {
			return err
		}
		f := domain.TeacherFilter{Name: r.URL.Query().Get("name"), State: domain.TeacherState(r.URL.Query().Get("state")), PageRequest: page}
		return result(http.StatusOK, func(ctx context.Context) (domain.Page[domain.Teacher], error) { return list(ctx, f) })(w, r)
	}
}

// deleteTeacher takes the version read from the query: a DELETE has no body.
func (a *API) deleteTeacher(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, err := queryInt(r, "version")
	if err != nil {
		return err
	}
	return noContent(func(ctx context.Context) error {
		return a.cfg.Teachers.DeleteTeacher(ctx, id, domain.VersionRef{Version: int64(version)})
	})(w, r)
}
