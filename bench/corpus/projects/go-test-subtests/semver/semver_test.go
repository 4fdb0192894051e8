package semver

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Version
		wantErr bool
	}{
		{"plain", "1.2.3", Version{1, 2, 3}, false},
		{"with v", "v0.10.0", Version{0, 10, 0}, false},
		{"two parts", "1.2", Version{}, true},
		{"bad patch", "1.2.x", Version{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestLess(t *testing.T) {
	a, _ := Parse("1.2.3")
	b, _ := Parse("1.10.0")
	if !a.Less(b) {
		t.Error("1.2.3 should sort before 1.10.0")
	}
}
