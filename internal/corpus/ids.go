package corpus

import (
	"math/bits"
	"math/rand/v2"
	"strconv"
	"time"
)

// idPerm maps output positions to crime reference numbers through a keyed
// Feistel permutation: unique by construction, and with no pattern that
// would put a series' members near each other in id order.
type idPerm struct {
	key    [4]uint64
	half   uint
	mod    uint64 // 10^digits
	digits int
}

func newIDPerm(seed uint64, n int) idPerm {
	p := idPerm{digits: 7, mod: 10_000_000}
	for p.mod < uint64(n)*2 {
		p.mod *= 10
		p.digits++
	}
	b := uint(bits.Len64(p.mod - 1))
	p.half = (b + 1) / 2
	r := rand.New(rand.NewPCG(seed, 0x1D))
	for i := range p.key {
		p.key[i] = r.Uint64()
	}
	return p
}

func (p *idPerm) permute(x uint64) uint64 {
	mask := uint64(1)<<p.half - 1
	for {
		l, r := x>>p.half, x&mask
		for _, k := range p.key {
			f := (r ^ k) * 0x9E3779B97F4A7C15
			f ^= f >> 29
			l, r = r, (l^f)&mask
		}
		x = l<<p.half | r
		if x < p.mod { // cycle-walk back into range
			return x
		}
	}
}

// appendID writes a reference in one of the two formats a force's systems
// produce: "CRIS/2024/0012345" or "5401234/24".
func (p *idPerm) appendID(b []byte, r *rand.Rand, pos int, when time.Time) []byte {
	n := p.permute(uint64(pos))
	y := when.Year()
	if r.IntN(10) < 3 {
		b = append(b, "CRIS/"...)
		b = strconv.AppendInt(b, int64(y), 10)
		b = append(b, '/')
		return appendPad(b, int(n), p.digits)
	}
	b = appendPad(b, int(n), p.digits)
	b = append(b, '/')
	return appendPad(b, y%100, 2)
}
