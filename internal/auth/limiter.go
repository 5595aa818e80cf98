package auth

import (
	"net/netip"
	"sync"
	"time"
)

// Limiter is a token bucket per key (a client address for the log-in
// endpoint): burst attempts at once, then one per every. A key whose bucket
// has filled up again is forgotten, which loses nothing, since a full bucket
// is what a new key gets; so memory follows the number of recently active
// clients. Safe for concurrent use.
type Limiter struct {
	mu        sync.Mutex
	every     time.Duration
	burst     float64
	maxKeys   int
	now       func() time.Time
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// Defaults for the log-in endpoint: 20 at once, then one every 3 seconds.
// Generous because a force's offices often reach the portal through one
// proxy address; the per-account lockout is what stops guessing.
const (
	DefaultLoginBurst = 20
	DefaultLoginEvery = 3 * time.Second
	// DefaultMaxKeys bounds memory under a flood from many addresses; past
	// it, new keys are refused (fail closed) until idle ones expire.
	DefaultMaxKeys = 100_000
)

// NewLimiter returns a Limiter allowing burst requests per key at once and
// one more per every after that. now may be nil for time.Now.
func NewLimiter(burst int, every time.Duration, now func() time.Time) *Limiter {
	if burst < 1 || every <= 0 {
		panic("auth: NewLimiter needs burst >= 1 and every > 0")
	}
	if now == nil {
		now = time.Now
	}
	return &Limiter{every: every, burst: float64(burst), maxKeys: DefaultMaxKeys, now: now, buckets: map[string]*bucket{}}
}

// SetMaxKeys changes how many keys the limiter tracks at most.
func (l *Limiter) SetMaxKeys(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.maxKeys = max(n, 1)
}

// Allow takes one token from key's bucket and reports whether there was one.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	// Sweep at most once per full refill time, so the cost is amortised.
	if now.Sub(l.lastSweep) >= l.fullAfter() {
		l.sweep(now)
	}
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.maxKeys {
			l.sweep(now)
			if len(l.buckets) >= l.maxKeys {
				return false
			}
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(l.burst, b.tokens+float64(d)/float64(l.every))
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Len returns the number of keys tracked, for metrics and tests.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

func (l *Limiter) fullAfter() time.Duration { return time.Duration(l.burst) * l.every }

func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if float64(now.Sub(b.last)) >= (l.burst-b.tokens)*float64(l.every) {
			delete(l.buckets, k)
		}
	}
	l.lastSweep = now
}

// ClientKey turns a client IP address into a rate-limit key: an IPv4
// address as it is (IPv4-mapped IPv6 included), an IPv6 address by its /64,
// since one host commonly holds a whole /64. Anything unparsable is its own
// key. The address must come from Echo's configured IP extractor, never
// from a header the client sets.
func ClientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}
