package screen

import (
	"errors"
	"os"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
)

// Stdio is this process's own terminal, switched to raw mode so that keys
// arrive one by one and unechoed; restore switches it back and stops
// following its size.
func Stdio() (t Terminal, restore func() error, err error) {
	in, out := os.Stdin, os.Stdout
	if !term.IsTerminal(in.Fd()) || !term.IsTerminal(out.Fd()) {
		return Terminal{}, nil, errors.New("终端界面需要在终端中运行（标准输入和输出都须是终端）")
	}
	w, h, err := term.GetSize(out.Fd())
	if err != nil {
		return Terminal{}, nil, err
	}
	state, err := term.MakeRaw(in.Fd())
	if err != nil {
		return Terminal{}, nil, err
	}
	resized, stopResized := followWindow(out)
	t = Terminal{
		In:      in,
		Out:     out,
		Profile: colorprofile.Detect(out, os.Environ()),
		Width:   w,
		Height:  h,
		Resized: resized,
	}
	return t, func() error {
		stopResized()
		return term.Restore(in.Fd(), state)
	}, nil
}
