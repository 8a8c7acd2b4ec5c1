//go:build !race

package store_test

// raceDetector is off.
const raceDetector = false
