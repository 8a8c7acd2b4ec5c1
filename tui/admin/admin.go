// Package admin holds the administrator's account modules: creating an
// authority (主管部门) account and resetting someone's password.
package admin

// Module keys, as domain.MenuFor names them.
const (
	ModuleCreateAuthority = "admin.accounts"
	ModuleResetPassword   = "admin.reset"
)
