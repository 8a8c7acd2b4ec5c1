package screen

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Terminal is where a program shows and reads its keys.
type Terminal struct {
	// In delivers the keys, already raw (see Stdio); nil for none.
	In io.Reader
	// Out receives the frames.
	Out     io.Writer
	Profile colorprofile.Profile
	// Width and Height are the size at start.
	Width, Height int
	// Resized delivers the terminal's new sizes; nil when it has none.
	Resized <-chan Size
}

// Size is a terminal's size in cells.
type Size struct{ Width, Height int }

// Renderer is the lipgloss renderer for a UI drawn by a Screen: it styles
// for 16 colours, whatever the terminal, because the screen converts each
// cell to what the terminal shows (and keeps the caret attribute, which a
// colourless lipgloss profile would drop). It never queries a terminal.
func Renderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI)
	r.SetHasDarkBackground(true)
	return r
}

// frameInterval caps the frame rate. Frames that arrive faster (a paste,
// a burst of answers) are merged, and on a link slower than that the
// painter simply sends the newest frame once the last one has gone.
const frameInterval = time.Second / 60

// Program runs a Bubble Tea model with a Screen instead of Bubble Tea's
// own renderer.
type Program struct {
	tea      *tea.Program
	painter  *painter
	terminal Terminal
}

// NewProgram prepares model to run on t. Bubble Tea's renderer, signal
// handling and terminal set-up are off: the screen draws, the caller owns
// the terminal (Stdio, or an SSH channel) and ends the program through its
// context or Quit.
func NewProgram(ctx context.Context, model tea.Model, t Terminal, opts ...tea.ProgramOption) *Program {
	pt := newPainter(New(t.Out, t.Profile))
	p := &Program{painter: pt, terminal: t}
	all := append([]tea.ProgramOption{
		tea.WithContext(ctx),
		tea.WithInput(t.In),
		tea.WithOutput(io.Discard),
		tea.WithoutRenderer(),
		tea.WithoutSignalHandler(),
	}, opts...)
	p.tea = tea.NewProgram(&frameModel{inner: model, painter: pt}, all...)
	return p
}

// Run shows the program until it quits or its context ends, then restores
// the terminal. A context ending is not an error.
func (p *Program) Run() error {
	go p.painter.run()
	stopResizing := make(chan struct{})
	go p.followSize(stopResizing)
	_, err := p.tea.Run()
	close(stopResizing)
	closeErr := p.painter.stop()
	if errors.Is(err, tea.ErrProgramKilled) && errors.Is(err, context.Canceled) {
		err = context.Canceled
	}
	if closeErr != nil {
		err = errors.Join(err, closeErr)
	}
	return err
}

// followSize passes on the terminal's size, the first of which the first
// frame waits for, so that it is drawn once and at the right size.
func (p *Program) followSize(stop <-chan struct{}) {
	p.Resize(p.terminal.Width, p.terminal.Height)
	for {
		select {
		case <-stop:
			return
		case sz, ok := <-p.terminal.Resized:
			if !ok {
				return
			}
			p.Resize(sz.Width, sz.Height)
		}
	}
}

// Resize tells the program the terminal has a new size; safe from any
// goroutine.
func (p *Program) Resize(width, height int) {
	p.tea.Send(tea.WindowSizeMsg{Width: width, Height: height})
}

// Repaint tells the program its terminal is a new one of the given size
// (a reattached connection): the next frame is painted whole, then cell
// diffs follow as usual. Safe from any goroutine.
func (p *Program) Repaint(width, height int) {
	p.painter.forget()
	p.Resize(width, height)
}

// Quit ends the program; safe from any goroutine.
func (p *Program) Quit() { p.tea.Quit() }

// BytesSent counts what the screen has written.
func (p *Program) BytesSent() int64 { return p.painter.bytesSent() }

// frameModel hands the model's frames to the painter.
type frameModel struct {
	inner   tea.Model
	painter *painter
}

func (m *frameModel) Init() tea.Cmd { return m.inner.Init() }

func (m *frameModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		m.painter.resize(ws.Width, ws.Height)
	}
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	return m, cmd
}

// View is called by Bubble Tea after every update, on its event loop.
func (m *frameModel) View() string {
	m.painter.offer(m.inner.View())
	return ""
}

// painter draws the newest frame on its own goroutine, so a slow link
// delays frames, not the handling of keys.
type painter struct {
	scr  *Screen
	wake chan struct{}
	done chan struct{}
	quit chan struct{}

	mu      sync.Mutex
	frame   string
	pending bool
	sized   bool // no frame is drawn before the first size is known
	width   int
	height  int
	resized bool
	fresh   bool // the terminal is new: forget what it showed
	sent    int64
	err     error
}

func newPainter(scr *Screen) *painter {
	return &painter{scr: scr, wake: make(chan struct{}, 1), done: make(chan struct{}), quit: make(chan struct{})}
}

func (p *painter) resize(w, h int) {
	p.mu.Lock()
	p.width, p.height, p.resized, p.sized = w, h, true, true
	p.mu.Unlock()
}

func (p *painter) forget() {
	p.mu.Lock()
	p.fresh = true
	p.mu.Unlock()
}

func (p *painter) offer(frame string) {
	p.mu.Lock()
	// The same frame again (a ping that changed nothing) costs nothing.
	if p.sized && (frame != p.frame || p.resized) {
		p.frame, p.pending = frame, true
	}
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *painter) run() {
	defer close(p.done)
	for {
		select {
		case <-p.quit:
			return
		case <-p.wake:
		}
		p.mu.Lock()
		if !p.pending {
			p.mu.Unlock()
			continue
		}
		frame, resized, fresh, w, h := p.frame, p.resized, p.fresh, p.width, p.height
		p.pending, p.resized, p.fresh = false, false, false
		p.mu.Unlock()
		if fresh {
			p.scr.Forget()
		}
		if resized {
			p.scr.Resize(w, h)
		}
		err := p.scr.Draw(frame)
		p.mu.Lock()
		p.sent = p.scr.BytesSent()
		if err != nil && p.err == nil {
			p.err = err
		}
		p.mu.Unlock()
		select {
		case <-p.quit:
			return
		case <-time.After(frameInterval):
		}
	}
}

// stop ends drawing and restores the terminal.
func (p *painter) stop() error {
	close(p.quit)
	<-p.done
	err := p.scr.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent = p.scr.BytesSent()
	return errors.Join(p.err, err)
}

func (p *painter) bytesSent() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent
}
