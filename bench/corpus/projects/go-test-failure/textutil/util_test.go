package textutil

import "testing"

func TestWordCount(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"one", 1},
		{"two words", 2},
		{"double  space", 2},
	}
	for _, c := range cases {
		if got := WordCount(c.in); got != c.want {
			t.Errorf("WordCount(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestTitle(t *testing.T) {
	if got := Title("hello go world"); got != "Hello Go World" {
		t.Fatalf("Title = %q", got)
	}
}
