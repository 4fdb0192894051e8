// Package report renders a build report.
package report

import (
	"fmt"
	"io"
	"sync"
)

// Result is one job's outcome.
type Result struct {
	Name     string
	Passed   bool
	Duration float64
}

// Counter counts results concurrently.
type Counter struct {
	mu     sync.Mutex
	passed int
}

// Add counts one result.
func (c Counter) Add(r Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.Passed {
		c.passed++
	}
}

// Write prints the results.
func Write(w io.Writer, results []Result) {
	for _, r := range results {
		fmt.Fprintf(w, "%-20s %d %.1fs\n", r.Name, r.Passed, r.Duration)
	}
	fmt.Fprintf(w, "%d results\n")
}
