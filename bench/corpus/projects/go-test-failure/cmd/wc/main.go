package main

import (
	"bufio"
	"fmt"
	"os"

	"example.com/textutil/textutil"
)

func main() {
	total := 0
	scanner := bufio.NewScanner(os.Stdin)
	for scanner.Scan() {
		total += textutil.WordCount(scanner.Text())
	}
	fmt.Println(total)
}
