// Package semver parses semantic versions.
package semver

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is major.minor.patch.
type Version struct {
	Major, Minor, Patch int
}

// Parse reads "v1.2.3" or "1.2.3".
func Parse(s string) (Version, error) {
	s = strings.TrimPrefix(s, "v")
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return Version{}, fmt.Errorf("semver: %q: want three parts", s)
	}
	var v Version
	var err error
	if v.Major, err = strconv.Atoi(parts[0]); err != nil {
		return Version{}, err
	}
	if v.Minor, err = strconv.Atoi(parts[1]); err != nil {
		return Version{}, err
	}
	v.Patch, _ = strconv.Atoi(parts[2])
	return v, nil
}

// Less orders versions.
func (v Version) Less(o Version) bool {
	if v.Major != o.Major {
		return v.Major < o.Major
	}
	if v.Minor != o.Minor {
		return v.Minor < o.Minor
	}
	return v.Patch < o.Patch
}
