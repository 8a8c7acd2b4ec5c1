package secret

import (
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestHashPasswordRoundTrip(t *testing.T) {
	h := HashPassword("Demo@2026")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string with the documented parameters", h)
	}
	if !CheckPassword(h, "Demo@2026") {
		t.Fatal("the right password does not match")
	}
	for _, wrong := range []string{"demo@2026", "Demo@2027", "", "Demo@2026 "} {
		if CheckPassword(h, wrong) {
			t.Errorf("wrong password %q matches", wrong)
		}
	}
}

func TestHashPasswordSalted(t *testing.T) {
	a, b := HashPassword("same-pass1"), HashPassword("same-pass1")
	if a == b {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
}

func TestCheckPasswordHonoursStoredParameters(t *testing.T) {
	// A hash made with other parameters (as before a future tuning) must
	// still verify: the parameters come from the string, not the constants.
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte("Old-pass1"), salt, 1, 8192, 1, 32)
	h := "$argon2id$v=19$m=8192,t=1,p=1$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)
	if !CheckPassword(h, "Old-pass1") {
		t.Fatal("a hash with other parameters does not verify")
	}
	tampered := strings.Replace(h, "t=1", "t=2", 1)
	if CheckPassword(tampered, "Old-pass1") {
		t.Fatal("changing the recorded parameters did not change the result")
	}
}

func TestCheckPasswordRejectsMalformed(t *testing.T) {
	good := HashPassword("Passw0rd")
	bad := []string{
		"",
		"plain",
		strings.Replace(good, "argon2id", "argon2i", 1),
		strings.Replace(good, "v=19", "v=16", 1),
		strings.Replace(good, "m=19456", "m=99999999", 1),
		strings.Replace(good, "t=2", "t=0", 1),
		good[:strings.LastIndex(good, "$")] + "$!!!",
		good + "$extra",
	}
	for _, h := range bad {
		if CheckPassword(h, "Passw0rd") {
			t.Errorf("malformed hash %q matched", h)
		}
	}
}

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		tok := NewToken()
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(raw) != 32 {
			t.Fatalf("token %q is not 32 bytes of base64url: %v", tok, err)
		}
		if seen[tok] {
			t.Fatalf("token %q repeated", tok)
		}
		seen[tok] = true
	}
}

func TestHashToken(t *testing.T) {
	// sha256("abc"), a published test vector.
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := HashToken("abc"); got != want {
		t.Fatalf("HashToken(abc) = %s, want %s", got, want)
	}
	if HashToken("a") == HashToken("b") {
		t.Fatal("different tokens hash alike")
	}
}
