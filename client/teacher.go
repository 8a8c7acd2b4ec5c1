package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"jxjy/server/domain"
)

var _ domain.TeacherService = (*Client)(nil)

func teacherPath(id int64) string { return "/teachers/" + strconv.FormatInt(id, 10) }

func (c *Client) teachers(ctx context.Context, path string, f domain.TeacherFilter) (domain.Page[domain.Teacher], error) {
	var out domain.Page[domain.Teacher]
	v := url.Values{"name": {f.Name}, "state": {string(f.State)}}
	err := c.do(ctx, call{method: http.MethodGet, path: personnelURL(path, v, f.PageRequest), out: &out})
	return out, err
}

// ListTeachers implements domain.TeacherService.
func (c *Client) ListTeachers(ctx context.Context, f domain.TeacherFilter) (domain.Page[domain.Teacher], error) {
	return c.teachers(ctx, "/teachers", f)
}

// EnabledTeachers implements domain.TeacherService.
func (c *Client) EnabledTeachers(ctx context.Context, f domain.TeacherFilter) (domain.Page[domain.Teacher], error) {
	f.State = ""
	return c.teachers(ctx, "/teachers/enabled", f)
}

// GetTeacher implements domain.TeacherService.
func (c *Client) GetTeacher(ctx context.Context, id int64) (domain.Teacher, error) {
	var out domain.Teacher
	err := c.do(ctx, call{method: http.MethodGet, path: teacherPath(id), out: &out})
	return out, err
}

// CreateTeacher implements domain.TeacherService.
func (c *Client) CreateTeacher(ctx context.Context, in domain.TeacherInput) (domain.Teacher, error) {
	var out domain.Teacher
	err := c.do(ctx, call{method: http.MethodPost, path: "/teachers", in: in, out: &out})
	return out, err
}

// UpdateTeacher implements domain.TeacherService.
func (c *Client) UpdateTeacher(ctx context.Context, id int64, in domain.TeacherInput) (domain.Teacher, error) {
	var out domain.Teacher
	err := c.do(ctx, call{method: http.MethodPost, path: teacherPath(id), in: in, out: &out})
	return out, err
}

// EnableTeacher implements domain.TeacherService.
func (c *Client) EnableTeacher(ctx context.Context, id int64, v domain.VersionRef) (domain.Teacher, error) {
	var out domain.Teacher
	err := c.do(ctx, call{method: http.MethodPost, path: teacherPath(id) + "/enable", in: v, out: &out})
	return out, err
}

// DisableTeacher implements domain.TeacherService.
func (c *Client) DisableTeacher(ctx context.Context, id int64, v domain.VersionRef) (domain.Teacher, error) {
	var out domain.Teacher
	err := c.do(ctx, call{method: http.MethodPost, path: teacherPath(id) + "/disable", in: v, out: &out})
	return out, err
}

// DeleteTeacher implements domain.TeacherService; the version travels in
// the query, as a DELETE has no body.
func (c *Client) DeleteTeacher(ctx context.Context, id int64, v domain.VersionRef) error {
	path := teacherPath(id) + "?version=" + strconv.FormatInt(v.Version, 10)
	return c.do(ctx, call{method: http.MethodDelete, path: path})
}
