package main

import (
	"context"
	"strings"
	"testing"
)

// A slow-client timeout of zero would mean none; `jxjy serve` refuses it,
// and a negative attachment count, before opening anything.
func TestServeRefusesLimitsThatDisableThemselves(t *testing.T) {
	for _, args := range [][]string{
		{"--read-header-timeout", "0s"},
		{"--read-timeout", "-1s"},
		{"--write-timeout", "0s"},
		{"--idle-timeout", "0s"},
		{"--max-attachments", "-1"},
	} {
		err := run(context.Background(), append([]string{"serve"}, args...))
		if err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("serve %v: %v, want a refusal naming the flag", args, err)
		}
	}
}
