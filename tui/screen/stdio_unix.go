//go:build unix

package screen

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/charmbracelet/x/term"
)

// followWindow reports the size of the terminal on out each time it
// changes (SIGWINCH).
func followWindow(out *os.File) (<-chan Size, func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGWINCH)
	sizes := make(chan Size, 1)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-sig:
			}
			w, h, err := term.GetSize(out.Fd())
			if err != nil {
				continue
			}
			select {
			case <-sizes: // an older size nobody read yet is stale
			default:
			}
			sizes <- Size{Width: w, Height: h}
		}
	}()
	return sizes, func() {
		signal.Stop(sig)
		close(done)
	}
}
