// htpasswd for the test-env registry: reads "user:password" lines on stdin and prints
// "user:<bcrypt hash>" lines, the only entry format the distribution registry's htpasswd access
// controller accepts. Built beside the registry by ../component.ts (same module graph, so the
// same golang.org/x/crypto the registry verifies with); no Apache htpasswd needed.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		user, password, ok := strings.Cut(in.Text(), ":")
		if !ok || user == "" {
			fmt.Fprintln(os.Stderr, "htpasswd: expected user:password lines on stdin")
			os.Exit(2)
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
		if err != nil {
			fmt.Fprintln(os.Stderr, "htpasswd:", err)
			os.Exit(1)
		}
		fmt.Printf("%s:%s\n", user, hash)
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "htpasswd:", err)
		os.Exit(1)
	}
}
