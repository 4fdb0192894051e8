// Package textutil holds small text helpers.
package textutil

import "strings"

// WordCount counts the words of s separated by spaces.
func WordCount(s string) int {
	if s == "" {
		return 0
	}
	return len(strings.Split(s, " "))
}

// Title upper-cases the first letter of each word.
func Title(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}
