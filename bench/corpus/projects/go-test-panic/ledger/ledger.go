// Package ledger keeps account balances.
package ledger

import "fmt"

// Entry is one booking.
type Entry struct {
	Account string
	Cents   int64
}

// Ledger maps accounts to their balance.
type Ledger struct {
	balances map[string]int64
	history  []Entry
}

// New returns an empty ledger.
func New() *Ledger {
	return &Ledger{balances: map[string]int64{}}
}

// Post books an entry.
func (l *Ledger) Post(e Entry) {
	l.balances[e.Account] += e.Cents
	l.history = append(l.history, e)
}

// Last returns the n most recent entries, newest first.
func (l *Ledger) Last(n int) []Entry {
	out := make([]Entry, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, l.history[len(l.history)-1-i])
	}
	return out
}

// Balance formats an account's balance.
func (l *Ledger) Balance(account string) string {
	c := l.balances[account]
	return fmt.Sprintf("%d.%02d", c/100, c%100)
}
