package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"os"

	"jxjy/server/domain"
	"jxjy/server/store"
)

// runAdmin bootstraps accounts straight on the database, with the system
// principal, for the first authority and admin accounts and for lost
// passwords.
func runAdmin(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errUsage
	}
	if isTokenCommand(args[0]) {
		return runAdminToken(ctx, args, os.Stdout)
	}
	fs := newFlagSet("admin " + args[0])
	db := fs.String("db", envOr("JXJY_DB", ""), "database URL")
	username := fs.String("username", "", "login name")
	password := fs.String("password", "", "password (generated when empty)")
	var role, region, name *string
	switch args[0] {
	case "create-account":
		role = fs.String("role", "authority", "authority|institution|admin")
		region = fs.String("region", "", "region code of the authority, e.g. 440100")
		name = fs.String("name", "", "display name (institution name)")
	case "reset-password":
	default:
		return errUsage
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *db == "" {
		return fmt.Errorf("请用 --db 或 JXJY_DB 指定数据库")
	}
	generated := *password == ""
	if generated {
		*password = randomPassword()
	}
	st, err := store.Open(ctx, *db, store.Options{Logger: newLogger(os.Stderr)})
	if err != nil {
		return err
	}
	defer st.Close()
	ctx = domain.WithPrincipal(ctx, domain.Principal{User: domain.User{Role: domain.RoleAdmin, Username: "jxjy-admin"}})
	admin := store.NewAdminService(st)
	if role != nil {
		u, err := admin.CreateAccount(ctx, domain.NewAccount{
			Username: *username, Password: *password, Role: domain.Role(*role),
			RegionCode: *region, DisplayName: *name, MustChangePassword: true,
		})
		if err != nil {
			return err
		}
		fmt.Printf("已创建账号 %s（%s，%s）\n", u.Username, u.Role.Label(), u.DisplayName)
	} else {
		if err := admin.ResetPassword(ctx, domain.PasswordReset{Username: *username, Password: *password}); err != nil {
			return err
		}
		fmt.Printf("已重置 %s 的密码\n", *username)
	}
	if generated {
		fmt.Printf("初始密码: %s\n", *password)
	}
	fmt.Println("首次登录时须修改密码。")
	return nil
}

// randomPassword satisfies the policy: 12 characters with letters and digits.
func randomPassword() string {
	const letters = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ"
	const digits = "23456789"
	pick := func(set string) byte {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
		return set[n.Int64()]
	}
	b := make([]byte, 12)
	for i := range b {
		if i%4 == 3 {
			b[i] = pick(digits)
		} else {
			b[i] = pick(letters)
		}
	}
	return string(b)
}
