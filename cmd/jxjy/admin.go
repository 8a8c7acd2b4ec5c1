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
	var clean *bool
	switch args[0] {
	case "create-account":
		role = fs.String("role", "authority", "authority|institution|admin")
		region = fs.String("region", "", "region code of the authority, e.g. 440100")
		name = fs.String("name", "", "display name (institution name)")
	case "reset-password":
	case "scan-text":
		clean = fs.Bool("clean", false, "rewrite each value found without the offending characters")
	default:
		return errUsage
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *db == "" {
		return fmt.Errorf("请用 --db 或 JXJY_DB 指定数据库")
	}
	if clean != nil {
		return scanText(ctx, *db, *clean)
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
			RegionCode: *region, DisplayName: *name,
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

// scanText reports (and with clean repairs) stored text the text rule
// refuses: values written before the rule, or by a bug.
func scanText(ctx context.Context, url string, clean bool) error {
	st, err := store.Open(ctx, url, store.Options{Logger: newLogger(os.Stderr)})
	if err != nil {
		return err
	}
	defer st.Close()
	scan, err := st.ScanText(ctx, clean)
	if err != nil {
		return err
	}
	rows := 0
	for _, n := range scan.Rows {
		rows += n
	}
	for _, f := range scan.Findings {
		fmt.Printf("%s.%s 行 %s：%s —— %s\n", f.Table, f.Column, f.Row, f.Problem, f.Value)
	}
	fmt.Printf("检查了 %d 张表的 %d 行，发现 %d 个含控制字符或无效编码的值。\n", len(scan.Rows), rows, len(scan.Findings))
	switch {
	case clean:
		fmt.Printf("已清除 %d 个值。\n", scan.Cleaned)
	case len(scan.Findings) > 0:
		fmt.Println("加 --clean 清除这些字符（单行字段中的换行改为空格）。")
	}
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
