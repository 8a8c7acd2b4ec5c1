package secret

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// FuzzCheckPassword reads arbitrary stored hashes: no panic, no match for
// anything malformed. Hashes whose parameters cost more than this
// package's own are skipped, so a run stays fast; the refusal of costs
// beyond the limits is TestCheckPasswordRefusesCostlyHashes.
//
//	go test -run '^$' -fuzz '^FuzzCheckPassword$' -fuzztime 60s ./server/secret
func FuzzCheckPassword(f *testing.F) {
	valid := HashPassword("Demo@2026")
	f.Add(valid, "Demo@2026")
	f.Add(valid, "demo@2026")
	f.Add(strings.Replace(valid, "m=19456", "m=1", 1), "Demo@2026")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c2FsdA$", "x")
	f.Add("$bcrypt$", "")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, hash, pw string) {
		parts := strings.Split(hash, "$")
		if len(parts) == 6 {
			var m, tm uint32
			var p uint8
			if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &tm, &p); err == nil && (m > argonMemory || tm > argonTime || p > argonThreads) {
				t.Skip("costlier than this package's own hashes")
			}
			if len(parts[5]) > 1024 {
				t.Skip("key longer than any real hash")
			}
		}
		if CheckPassword(hash, pw) && !strings.HasPrefix(hash, "$argon2id$v=19$") {
			t.Fatalf("malformed hash %q matched", hash)
		}
	})
}

func TestCheckPasswordRefusesCostlyHashes(t *testing.T) {
	for _, params := range []string{"m=2000000,t=2,p=1", "m=19456,t=100,p=1", "m=19456,t=2,p=200", "m=0,t=2,p=1"} {
		hash := "$argon2id$v=19$" + params + "$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		matched := CheckPassword(hash, "x")
		runtime.ReadMemStats(&after)
		if matched || after.TotalAlloc-before.TotalAlloc > 1<<20 {
			t.Errorf("%s: matched %v after allocating %d bytes", params, matched, after.TotalAlloc-before.TotalAlloc)
		}
	}
}
