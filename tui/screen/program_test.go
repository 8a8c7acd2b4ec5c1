package screen

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/colorprofile"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// counter shows a number; tick leaves the view unchanged, bump changes it.
type counter struct {
	n, w, h int
}

type tick struct{}
type bump struct{}

func (c *counter) Init() tea.Cmd { return nil }

func (c *counter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		c.w, c.h = msg.Width, msg.Height
	case bump:
		c.n++
	}
	return c, nil
}

func (c *counter) View() string {
	return strings.Repeat("=", c.w) + "\n" + "n=" + string(rune('0'+c.n)) + " size " + string(rune('0'+c.w/10))
}

// waitOutput waits for want in the bytes sent (not the screen shown).
func waitOutput(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in %q", want, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestProgramDrawsOnlyWhatChanged(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	sizes := make(chan Size, 1)
	p := NewProgram(ctx, &counter{}, Terminal{Out: out, Profile: colorprofile.ANSI, Width: 20, Height: 3, Resized: sizes})
	done := make(chan error, 1)
	go func() { done <- p.Run() }()
	waitOutput(t, out, "n=0 size 2")
	if strings.Count(out.String(), "n=") != 1 {
		t.Fatalf("the first frame was drawn more than once, or at the wrong size: %q", out.String())
	}
	before := len(out.String())
	for range 5 {
		p.tea.Send(tick{})
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(out.String()) - before; n != 0 {
		t.Fatalf("unchanged frames sent %d bytes", n)
	}
	p.tea.Send(bump{})
	deadline := time.Now().Add(5 * time.Second)
	for len(out.String()) == before && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(out.String()) - before; n == 0 || n > 8 {
		t.Fatalf("one changed cell sent %d bytes: %q", n, out.String()[before:])
	}
	sizes <- Size{Width: 30, Height: 3}
	deadline = time.Now().Add(5 * time.Second)
	for {
		v := newVT(t, 30, 3)
		v.write([]byte(out.String()))
		if strings.HasPrefix(v.dump(), strings.Repeat("=", 30)+"\nn=1 size 3") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after resize the terminal shows\n%s", v.dump())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not end with its context")
	}
	if !strings.HasSuffix(out.String(), "\x1b[?1049l") {
		t.Fatalf("terminal not restored: %q", out.String())
	}
	if p.BytesSent() != int64(len(out.String())) {
		t.Fatalf("BytesSent %d, written %d", p.BytesSent(), len(out.String()))
	}
}

// A reattached terminal has seen nothing: Repaint paints it whole, the
// alternate screen included, at its own size, even with the frame unchanged.
func TestRepaintPaintsANewTerminalWhole(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	p := NewProgram(ctx, &counter{}, Terminal{Out: out, Profile: colorprofile.ANSI, Width: 20, Height: 3})
	go func() { _ = p.Run() }()
	waitOutput(t, out, "n=0 size 2")
	time.Sleep(50 * time.Millisecond)
	before := len(out.String())
	p.Repaint(20, 3)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String()[before:], "n=0 size 2") {
		if time.Now().After(deadline) {
			t.Fatalf("no repaint: %q", out.String()[before:])
		}
		time.Sleep(5 * time.Millisecond)
	}
	again := out.String()[before:]
	if !strings.HasPrefix(again, "\x1b[?1049h") || !strings.Contains(again, "\x1b[2J") {
		t.Fatalf("repaint did not start a fresh screen: %q", again)
	}
	v := newVT(t, 20, 3)
	v.write([]byte(again))
	if !strings.HasPrefix(v.dump(), strings.Repeat("=", 20)+"\nn=0 size 2") {
		t.Fatalf("the new terminal shows\n%s", v.dump())
	}
}
