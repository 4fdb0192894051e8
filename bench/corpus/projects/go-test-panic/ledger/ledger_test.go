package ledger

import "testing"

func TestBalance(t *testing.T) {
	l := New()
	l.Post(Entry{"cash", 1250})
	l.Post(Entry{"cash", -250})
	if got := l.Balance("cash"); got != "10.00" {
		t.Errorf("Balance = %s, want 10.00", got)
	}
}

func TestLastMoreThanHistory(t *testing.T) {
	l := New()
	l.Post(Entry{"cash", 100})
	l.Post(Entry{"bank", 200})
	got := l.Last(3)
	if len(got) != 2 {
		t.Fatalf("Last(3) returned %d entries, want 2", len(got))
	}
}
