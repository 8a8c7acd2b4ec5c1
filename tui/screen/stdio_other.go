//go:build !unix

package screen

import "os"

// followWindow has no resize signal to follow on this system, where Bubble
// Tea v1 too learns the size only at start.
func followWindow(*os.File) (<-chan Size, func()) { return nil, func() {} }
