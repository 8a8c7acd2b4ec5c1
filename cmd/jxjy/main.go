// Command jxjy is the whole system in one binary: with no arguments it runs
// an embedded server with demo data and opens the terminal UI against it.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `jxjy — 广东省专业技术人员继续教育管理系统（终端版）

用法:
  jxjy [--ascii] [--db URL] [--captcha on|off] [--public-url URL] [--cjk-font 字体.ttf]
        内嵌服务器 + 终端界面（首次运行写入演示数据）
  jxjy serve --addr 127.0.0.1:8080 --db URL [--captcha on|off] [--demo] [--public-url https://…] [--cjk-font 字体.ttf] [--max-upload-mb 20] [--metrics-addr 127.0.0.1:9090] [--anon-rate 30] [--login-rate 10] [--max-attachments 20] [--trusted-proxy CIDR,…]
        [--tls-cert 证书.pem --tls-key 私钥.pem] [--read-header-timeout 10s] [--read-timeout 2m] [--write-timeout 2m] [--idle-timeout 2m] [--stats-cache 30s]
        仅运行服务器（环境变量 JXJY_ADDR, JXJY_DB, JXJY_PUBLIC_URL：证书二维码打开的公开查验地址 …/verify，
        JXJY_CJK_FONT：嵌入证书PDF的 TrueType 中文字体，不设时用PDF标准中文字体）
  jxjy tui --server URL [--ascii] [--ca-file CA.pem] [--insecure-http]
        连接已运行的服务器（环境变量 JXJY_SERVER）；远程服务器须用 https://，明文 http:// 需 --insecure-http
  jxjy ssh [--addr :2222] [--server URL] [--ca-file CA.pem] [--insecure-http] [--auth open|password|keys] [--idle 15m] [--max-sessions 50] [--public-url URL]
        经 SSH 提供终端界面（不给 --server 时内嵌服务器）；文件经 scp/sftp 进出 inbox/outbox
  jxjy ssh passwd --username U [--password P]
        设置 --auth password 模式的 SSH 用户密码
  jxjy bench-tty [--cols 100] [--rows 30]
        在伪终端中驱动终端界面（本机与经 jxjy ssh），统计每次按键写出的字节数
  jxjy demo-template [--out 继续教育记录导入示例.xlsx] [--rows 150] [--force]
        生成 demo-unit 的继续教育记录批量申报示例文件（含常见错误行）
  jxjy gen --db URL [--seed 1] [--units 210] [--persons 10000] [--records 50000] [--big-unit N]
        生成确定性的模拟全省数据（压测用；全省规模：--units 10000 --persons 1000000 --records 5000000）
  jxjy bench --server URL [--scenario login|persons|records|queue|stats|recount|import|all] [--duration 30s] [--concurrency 50] [--unit-concurrency 1] [--pid PID]
             [--unit-account gen-big-unit] [--import-rows 10000]
        经 HTTP 接口压测，报告 p50/p99 延迟、每秒请求数与服务器内存（RSS）；
        recount 与 import 以大单位账号重新统计全单位学时、导入一万行（同时计时 excelize 单独读取）
  jxjy admin create-account --db URL --role authority|institution|admin --username U [--region 440100] [--name 名称] [--password P]
  jxjy admin reset-password --db URL --username U [--password P]
  jxjy admin scan-text --db URL [--clean]   （查找并可清除已存储的控制字符）
        账号初始化与密码重置（不给 --password 时生成随机密码并打印）
  jxjy admin create-token --db URL --institution ACCOUNT|ID [--name N] [--expires 2027-12-31]
  jxjy admin list-tokens --db URL [--institution ACCOUNT|ID]
  jxjy admin revoke-token --db URL --id N
        施教机构的 API 令牌（机构接口用；令牌只显示一次，库中只存哈希）

数据库 URL: sqlite:///绝对路径/jxjy.db 或 postgres://user@host:5432/db
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		if errors.Is(err, errUsage) {
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "jxjy:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string) error {
	if len(args) == 0 || (len(args[0]) > 0 && args[0][0] == '-') {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Print(usage)
			return nil
		}
		return runEmbedded(ctx, args)
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:])
	case "tui":
		return runTUI(ctx, args[1:])
	case "ssh":
		return runSSH(ctx, args[1:])
	case "bench-tty":
		return runBenchTTY(ctx, args[1:])
	case "gen":
		return runGen(ctx, args[1:])
	case "bench":
		return runBench(ctx, args[1:])
	case "demo-template":
		return runDemoTemplate(args[1:])
	case "admin":
		return runAdmin(ctx, args[1:])
	case "help":
		fmt.Print(usage)
		return nil
	}
	return errUsage
}
