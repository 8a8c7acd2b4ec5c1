//go:build race

package store_test

// raceDetector is on: timing runs are skipped, as it slows the store
// down tenfold.
const raceDetector = true
