package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServeDemo is `make run` in-process: a first start with --demo loads
// the corpus and users, prints the log-ins, and serves them on a free port.
func TestServeDemo(t *testing.T) {
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	m := NewMain()
	m.Stdout, m.Stderr = &out, &errb
	m.Getenv = func(string) string { return "" }
	ready := make(chan string, 1)
	m.Ready = func(url string) { ready <- url }
	done := make(chan int, 1)
	go func() { done <- m.Run(ctx, []string{"--data", data, "serve", "--addr", "127.0.0.1:0", "--demo"}) }()
	var url string
	select {
	case url = <-ready:
	case code := <-done:
		t.Fatalf("serve exited %d: %s %s", code, out.String(), errb.String())
	case <-time.After(3 * time.Minute):
		t.Fatal("serve did not start")
	}
	printed := out.String()
	if !strings.Contains(printed, "portal serving on http://localhost:") || !strings.Contains(printed, "ivy.investigator") {
		t.Fatalf("start-up output: %s", printed)
	}

	body := `{"username":"ivy.investigator","password":"demo-investigator-pass"}`
	resp, err := http.Post(url+"/api/v1/auth/token", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if tok.Token == "" {
		t.Fatalf("demo log-in failed: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", url+"/api/v1/search?q=bus&limit=3", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	req.Header.Set("X-Purpose", "Op Demo")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var res struct{ Total int }
	if json.Unmarshal(b, &res) != nil || res.Total < 100 {
		t.Fatalf("demo search: %d %s", resp.StatusCode, b)
	}

	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}
	m.Close()

	// A second start finds the data and does not load the demo again.
	code, out2, _ := runCLI(t, "", "--data", data, "import", "-")
	if code != 0 || out2 != "imported 0, updated 0, rejected 0, unchanged 0\n" {
		t.Fatalf("after serve: %d %q", code, out2)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
