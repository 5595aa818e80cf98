package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	clk := &clock{t: t0}
	l := NewLimiter(3, 10*time.Second, clk.now)
	for i := range 3 {
		if !l.Allow("198.51.100.7") {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	if l.Allow("198.51.100.7") {
		t.Fatal("request over the burst allowed")
	}
	if !l.Allow("198.51.100.8") {
		t.Fatal("another address was limited too")
	}
	clk.advance(9 * time.Second)
	if l.Allow("198.51.100.7") {
		t.Fatal("allowed before a token came back")
	}
	clk.advance(time.Second)
	if !l.Allow("198.51.100.7") || l.Allow("198.51.100.7") {
		t.Fatal("want exactly one request after one refill period")
	}
}

func TestLimiterForgetsIdleKeys(t *testing.T) {
	clk := &clock{t: t0}
	l := NewLimiter(2, time.Second, clk.now)
	for i := range 1000 {
		l.Allow(fmt.Sprint("k", i))
	}
	if l.Len() != 1000 {
		t.Fatalf("Len = %d", l.Len())
	}
	clk.advance(2 * time.Second)
	l.Allow("fresh")
	if l.Len() != 1 {
		t.Fatalf("after every bucket refilled, Len = %d, want 1", l.Len())
	}
}

func TestLimiterMaxKeysFailsClosed(t *testing.T) {
	clk := &clock{t: t0}
	l := NewLimiter(2, time.Minute, clk.now)
	l.SetMaxKeys(10)
	for i := range 10 {
		l.Allow(fmt.Sprint("k", i))
	}
	if l.Allow("one too many") {
		t.Fatal("a new key past MaxKeys was allowed")
	}
	if !l.Allow("k0") {
		t.Fatal("a known key was refused because the table is full")
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l := NewLimiter(50, time.Hour, nil)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 200 {
		wg.Go(func() {
			if l.Allow("203.0.113.1") {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != 50 {
		t.Fatalf("allowed %d of 200 concurrent requests, want 50", allowed)
	}
}

func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"198.51.100.7":                  "198.51.100.7",
		"::ffff:198.51.100.7":           "198.51.100.7",
		"2001:db8:1:2:3:4:5:6":          "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff:ffff:1": "2001:db8:1:2::/64",
		"fe80::1%eth0":                  "fe80::/64",
		"not an ip":                     "not an ip",
	} {
		if got := ClientKey(in); got != want {
			t.Errorf("ClientKey(%q) = %q, want %q", in, got, want)
		}
	}
}
