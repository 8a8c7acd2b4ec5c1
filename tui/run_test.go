package tui

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/tui/common"
	"jxjy/tui/screen"
)

// lockedBuffer is written by the program's renderer and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestRunUsesTheAltScreenAndStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Services: common.Services{Auth: &fakeAuth{}}, Terminal: &screen.Terminal{Out: out, Width: 80, Height: 24}})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "用户登录") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
	if s := out.String(); !strings.Contains(s, "\x1b[?1049h") || !strings.Contains(s, "用户登录") {
		t.Fatalf("no alt screen or login in output %q", s)
	}
}

// Typing must not start timers (a blinking cursor would redraw an idle
// terminal twice a second).
func TestTypingSchedulesNothing(t *testing.T) {
	d := newDriver(t, false)
	for _, k := range []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune("a")}, {Type: tea.KeyTab}, {Type: tea.KeyBackspace}, {Type: tea.KeyLeft}} {
		if _, cmd := d.m.Update(k); cmd != nil {
			t.Fatalf("key %v returned a command", k)
		}
	}
	d.login("demo-unit", "Demo@2026")
	for _, k := range []tea.KeyMsg{{Type: tea.KeyDown}, {Type: tea.KeyUp}} {
		if _, cmd := d.m.Update(k); cmd != nil {
			t.Fatalf("menu key %v returned a command", k)
		}
	}
}
