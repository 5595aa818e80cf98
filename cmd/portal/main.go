// Command portal is the investigation portal: the web server and the
// command line that shares its store and index (contract §2).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := NewMain()
	code := m.Run(ctx, os.Args[1:])
	stop()
	if err := m.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "portal: close:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}
