package domain

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// DateLayout is the only date format accepted on the wire and typed by operators.
const DateLayout = "2006-01-02"

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDInfo is what an ID number (GB 11643) tells about its holder.
type IDInfo struct {
	Number   string    // normalised: trimmed, upper-case X
	Birth    time.Time // UTC midnight
	Gender   string    // 男 or 女
	AreaCode string    // first six digits
}

// ParseIDNumber validates an 18-character resident ID number against today
// and returns its normalised form and derived facts, or a Chinese message.
func ParseIDNumber(s string, today time.Time) (IDInfo, string) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return IDInfo{}, "请填写身份证号"
	}
	if len(s) != 18 || utf8.RuneCountInString(s) != 18 {
		return IDInfo{}, "身份证号应为18位"
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return IDInfo{}, "身份证号前17位应为数字"
		}
		sum += int(c-'0') * idWeights[i]
	}
	last := s[17]
	if !(last >= '0' && last <= '9') && last != 'X' {
		return IDInfo{}, "身份证号末位应为数字或X"
	}
	if s[0] == '0' {
		return IDInfo{}, "身份证号地区码无效"
	}
	birth, err := time.Parse("20060102", s[6:14])
	if err != nil {
		return IDInfo{}, "身份证号中的出生日期无效"
	}
	if birth.After(today) {
		return IDInfo{}, "身份证号中的出生日期晚于今天"
	}
	if birth.Year() < 1900 {
		return IDInfo{}, "身份证号中的出生日期无效"
	}
	if idCheckChars[sum%11] != last {
		return IDInfo{}, "身份证号校验位不正确"
	}
	gender := "女"
	if (s[16]-'0')%2 == 1 {
		gender = "男"
	}
	return IDInfo{Number: s, Birth: birth, Gender: gender, AreaCode: s[:6]}, ""
}

// IDCheckChar computes the check character for the first 17 digits; used to
// build valid numbers for demo data and tests.
func IDCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// USCCCharset is the GB 32100 alphabet: digits and capitals without I O S V Z.
const USCCCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCCCheckChar computes the check character for the first 17 characters, or
// 0 if one of them is outside the alphabet.
func USCCCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(USCCCharset, first17[i])
		if v < 0 {
			return 0
		}
		sum += v * usccWeights[i]
	}
	return USCCCharset[(31-sum%31)%31]
}

// NormalizeUSCC trims and upper-cases a unified social credit code.
func NormalizeUSCC(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// CheckUSCC validates a unified social credit code (already normalised) and
// returns a Chinese message, or "".
func CheckUSCC(s string) string {
	if s == "" {
		return "请填写统一社会信用代码"
	}
	if len(s) != 18 || utf8.RuneCountInString(s) != 18 {
		return "统一社会信用代码应为18位"
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(USCCCharset, s[i]) < 0 {
			return "统一社会信用代码含无效字符（不使用 I、O、S、V、Z）"
		}
	}
	if USCCCheckChar(s[:17]) != s[17] {
		return "统一社会信用代码校验位不正确"
	}
	return ""
}

var (
	mobileRe = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	postalRe = regexp.MustCompile(`^[0-9]{6}$`)
	emailRe  = regexp.MustCompile(`^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$`)
	phoneRe  = regexp.MustCompile(`^[0-9][0-9\-]{5,19}$`)
	userRe   = regexp.MustCompile(`^[A-Za-z0-9_\-]{4,32}$`)
)

// CheckMobile validates a mainland mobile number.
func CheckMobile(s string) string {
	if s == "" {
		return "请填写手机号码"
	}
	if !mobileRe.MatchString(s) {
		return "手机号码应为1开头的11位数字"
	}
	return ""
}

// CheckPhone validates an office phone number such as 020-12345678.
func CheckPhone(s string) string {
	if !phoneRe.MatchString(s) {
		return "电话号码格式不正确（如 020-12345678）"
	}
	return ""
}

// CheckPostalCode validates a six-digit postal code; leading zeros are kept,
// so it is text, never a number.
func CheckPostalCode(s string) string {
	if !postalRe.MatchString(s) {
		return "邮政编码应为6位数字"
	}
	return ""
}

// CheckEmail validates an e-mail address, loosely as mature forms do.
func CheckEmail(s string) string {
	if len(s) > 254 || !emailRe.MatchString(s) {
		return "电子邮箱格式不正确"
	}
	return ""
}

// ParseDate reads a YYYY-MM-DD date strictly (2023-02-29 is refused).
func ParseDate(s string) (time.Time, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, "请填写日期"
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, "日期应为有效的 YYYY-MM-DD"
	}
	return t, ""
}

// CheckUsername validates a login name chosen at registration.
func CheckUsername(s string) string {
	if !userRe.MatchString(s) {
		return "用户名应为4-32位字母、数字、-或_"
	}
	return ""
}

// CheckPassword enforces the password policy: at least 8 characters with
// both letters and digits.
func CheckPassword(s string) string {
	if utf8.RuneCountInString(s) < 8 {
		return "密码至少8位"
	}
	if len(s) > 128 {
		return "密码不能超过128位"
	}
	var letter, digit bool
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			letter = true
		}
	}
	if !letter || !digit {
		return "密码须同时包含字母和数字"
	}
	return ""
}

// CheckText requires a non-blank value of at most max characters.
func CheckText(s string, max int, label string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "请填写" + label
	}
	if utf8.RuneCountInString(s) > max {
		return label + "过长"
	}
	return ""
}
