package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
)

// isTokenCommand reports whether an admin subcommand manages API tokens.
func isTokenCommand(cmd string) bool {
	return cmd == "create-token" || cmd == "list-tokens" || cmd == "revoke-token"
}

// chinaZone is the zone an --expires date is read in.
var chinaZone = time.FixedZone("CST", 8*3600)

// parseExpiry reads --expires: a date (valid through that day, China
// time) or an RFC 3339 instant.
func parseExpiry(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	if d, err := time.ParseInLocation("2006-01-02", s, chinaZone); err == nil {
		t := d.AddDate(0, 0, 1)
		return &t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, fmt.Errorf("--expires 应为日期（2027-12-31）或 RFC 3339 时间")
	}
	return &t, nil
}

// runAdminToken serves `jxjy admin create-token|list-tokens|revoke-token`
// straight on the database, as the system administrator.
func runAdminToken(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("admin " + args[0])
	db := fs.String("db", envOr("JXJY_DB", ""), "database URL")
	inst := fs.String("institution", "", "institution account (username) or institution id")
	var name, expires *string
	var id *int64
	switch args[0] {
	case "create-token":
		name = fs.String("name", "", "what the token is for, e.g. the client system")
		expires = fs.String("expires", "", "last valid day (2027-12-31, China time) or an RFC 3339 time; none: no expiry")
	case "revoke-token":
		id = fs.Int64("id", 0, "token id (from list-tokens)")
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *db == "" {
		return fmt.Errorf("请用 --db 或 JXJY_DB 指定数据库")
	}
	st, err := store.Open(ctx, *db, store.Options{Logger: newLogger(os.Stderr)})
	if err != nil {
		return err
	}
	defer st.Close()
	ctx = domain.WithPrincipal(ctx, domain.Principal{User: domain.User{Role: domain.RoleAdmin, Username: "jxjy-admin"}})
	tokens := store.NewAPITokenService(st)
	switch args[0] {
	case "create-token":
		exp, err := parseExpiry(*expires)
		if err != nil {
			return err
		}
		t, err := tokens.CreateToken(ctx, domain.NewAPIToken{Institution: *inst, Name: *name, ExpiresAt: exp})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "已为 %s（%s）创建 API 令牌 #%d %s\n", t.InstitutionName, t.Username, t.ID, t.Name)
		if t.ExpiresAt != nil {
			fmt.Fprintf(out, "有效期至 %s\n", t.ExpiresAt.In(chinaZone).Format("2006-01-02 15:04"))
		}
		fmt.Fprintf(out, "令牌: %s\n", t.Token)
		fmt.Fprintln(out, "令牌只显示这一次，请立即妥善保存；遗失后只能吊销并重新创建。")
	case "list-tokens":
		list, err := tokens.ListTokens(ctx, *inst)
		if err != nil {
			return err
		}
		now := time.Now()
		for _, t := range list {
			state := "有效"
			switch {
			case t.RevokedAt != nil:
				state = "已吊销"
			case !t.Active(now):
				state = "已过期"
			}
			exp, used := "不过期", "从未使用"
			if t.ExpiresAt != nil {
				exp = "至 " + t.ExpiresAt.In(chinaZone).Format("2006-01-02 15:04")
			}
			if t.LastUsedAt != nil {
				used = "最近使用 " + t.LastUsedAt.In(chinaZone).Format("2006-01-02 15:04")
			}
			fmt.Fprintf(out, "#%d\t%s\t%s（%s）\t%s\t%s\t%s\n", t.ID, t.Name, t.InstitutionName, t.Username, state, exp, used)
		}
		if len(list) == 0 {
			fmt.Fprintln(out, "没有 API 令牌")
		}
	case "revoke-token":
		if *id <= 0 {
			return fmt.Errorf("请用 --id 指定令牌编号（见 list-tokens）")
		}
		if err := tokens.RevokeToken(ctx, *id); err != nil {
			return err
		}
		fmt.Fprintf(out, "已吊销 API 令牌 #%s\n", strconv.FormatInt(*id, 10))
	}
	return nil
}
