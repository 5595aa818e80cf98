// Package linkage connects the scattered reports of one offender: it
// extracts modus-operandi features from narratives, scores pairs of reports
// with reasons an investigator can read, ranks "reports like this one" from
// candidates the search index proposes, clusters candidate series and
// measures all of it against labelled data.
package linkage

import (
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/investigation-portal/portal/configs"
)

// Lexicon is the compiled MO vocabulary (configs/mo_lexicon.yaml).
type Lexicon struct {
	Features []*Feature
	clash    []int8 // per feature: its clashGroups index, or -1
	window   int
	cues     map[string]bool
	breaks   map[string]bool
	// Boilerplate is report-writing that says nothing about the offender
	// (IP, SUSP, "states that"): never quoted as shared wording.
	Boilerplate []string
}

// Feature is one behaviour or descriptor the lexicon can find.
type Feature struct {
	Key    string // domain.feature, e.g. "approach.minicab"
	Domain string
	Label  string // in words, e.g. "posed as a minicab or taxi driver"
	pats   []pattern
}

// pattern is one phrasing, compiled on its own: small programs run much
// faster than one big alternation, and its required literals rule it out
// cheaply in most texts.
type pattern struct {
	re   *regexp.Regexp
	lits []string // one of these must occur for re to match; nil: always try
}

type lexiconFile struct {
	Negation struct {
		Window int      `yaml:"window"`
		Cues   []string `yaml:"cues"`
		Breaks []string `yaml:"breaks"`
	} `yaml:"negation"`
	Macros      map[string]string `yaml:"macros"`
	Boilerplate []string          `yaml:"boilerplate"`
	Domains     yaml.Node         `yaml:"domains"`
}

type domainFile struct {
	Label    string    `yaml:"label"`
	Features yaml.Node `yaml:"features"`
}

type featureFile struct {
	Label    string   `yaml:"label"`
	Patterns []string `yaml:"patterns"`
}

// LoadLexicon reads a lexicon file; an empty path means configs/mo_lexicon.yaml
// when present, else the copy built into the binary.
func LoadLexicon(path string) (*Lexicon, error) {
	data, err := readConfig(path, "mo_lexicon.yaml")
	if err != nil {
		return nil, err
	}
	return ParseLexicon(data)
}

// readConfig reads path, or name from ./configs, or the embedded default.
func readConfig(path, name string) ([]byte, error) {
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("linkage: %w", err)
		}
		return b, nil
	}
	if b, err := os.ReadFile("configs/" + name); err == nil {
		return b, nil
	}
	b, err := fs.ReadFile(configs.FS, name)
	if err != nil {
		return nil, fmt.Errorf("linkage: built-in %s: %w", name, err)
	}
	return b, nil
}

var macroRE = regexp.MustCompile(`\{([a-z_]+)\}`)

// ParseLexicon compiles a lexicon from its YAML text. Domains and features
// keep the order of the file.
func ParseLexicon(data []byte) (*Lexicon, error) {
	var f lexiconFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("linkage: lexicon: %w", err)
	}
	lx := &Lexicon{window: f.Negation.Window, cues: set(f.Negation.Cues), breaks: set(f.Negation.Breaks), Boilerplate: f.Boilerplate}
	if lx.window <= 0 {
		lx.window = 6
	}
	if f.Domains.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("linkage: lexicon: domains must be a mapping")
	}
	for i := 0; i+1 < len(f.Domains.Content); i += 2 {
		dname := f.Domains.Content[i].Value
		var d domainFile
		if err := f.Domains.Content[i+1].Decode(&d); err != nil {
			return nil, fmt.Errorf("linkage: lexicon: domain %s: %w", dname, err)
		}
		for j := 0; j+1 < len(d.Features.Content); j += 2 {
			fname := d.Features.Content[j].Value
			var ff featureFile
			if err := d.Features.Content[j+1].Decode(&ff); err != nil {
				return nil, fmt.Errorf("linkage: lexicon: %s.%s: %w", dname, fname, err)
			}
			if len(ff.Patterns) == 0 {
				return nil, fmt.Errorf("linkage: lexicon: %s.%s: no patterns", dname, fname)
			}
			pats := make([]pattern, len(ff.Patterns))
			for k, p := range ff.Patterns {
				var bad string
				p = macroRE.ReplaceAllStringFunc(p, func(m string) string {
					name := m[1 : len(m)-1]
					if v, ok := f.Macros[name]; ok {
						return v
					}
					bad = name
					return m
				})
				if bad != "" {
					return nil, fmt.Errorf("linkage: lexicon: %s.%s: unknown macro {%s}", dname, fname, bad)
				}
				// Word boundaries are checked by hand after a match, so
				// that a pattern starting with a literal keeps Go's fast
				// literal-prefix scan.
				re, err := regexp.Compile(p)
				if err != nil {
					return nil, fmt.Errorf("linkage: lexicon: %s.%s: %w", dname, fname, err)
				}
				pats[k] = pattern{re: re, lits: requiredLiterals(p)}
			}
			label := ff.Label
			if label == "" {
				label = strings.ReplaceAll(fname, "_", " ")
			}
			lx.Features = append(lx.Features, &Feature{Key: dname + "." + fname, Domain: dname, Label: label, pats: pats})
		}
	}
	lx.clash = make([]int8, len(lx.Features))
	for i, f := range lx.Features {
		lx.clash[i] = -1
		for g, keys := range clashGroups {
			if contains(keys, f.Key) {
				lx.clash[i] = int8(g)
			}
		}
	}
	return lx, nil
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[strings.ToLower(x)] = true
	}
	return m
}

// requiredLiterals returns strings one of which must occur in any text the
// pattern matches, so most features are ruled out by a substring test
// before their regular expression runs. nil means no such set is known.
func requiredLiterals(src string) []string {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil
	}
	lits, ok := req(re.Simplify())
	if !ok {
		return nil
	}
	sort.Strings(lits)
	return lits
}

func req(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCapture, syntax.OpPlus:
		return req(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return req(re.Sub[0])
		}
		return nil, false
	case syntax.OpConcat:
		var best []string
		bestLen := 0
		for _, s := range re.Sub {
			l, ok := req(s)
			if !ok {
				continue
			}
			m := 1 << 30
			for _, x := range l {
				m = min(m, len(x))
			}
			if m > bestLen {
				best, bestLen = l, m
			}
		}
		return best, best != nil
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			l, ok := req(s)
			if !ok {
				return nil, false
			}
			out = append(out, l...)
		}
		return out, true
	}
	return nil, false
}

// Match is one feature found in a text, with where it was found.
type Match struct {
	Feature *Feature
	Field   string // "narrative" or "suspect_description"
	Start   int    // byte offsets into that field's original text
	End     int
	Text    string // the words that matched
}

// normalize lower-cases s, straightens quotes and collapses white space,
// returning the new text and, for each of its bytes, the offset in s.
func normalize(s string) (string, []int) {
	var b strings.Builder
	b.Grow(len(s))
	off := make([]int, 0, len(s)+1)
	space := true
	for i, r := range s {
		switch r {
		case '\u2018', '\u2019', '`':
			r = '\''
		case '\u201c', '\u201d':
			r = '"'
		case '\n', '\r', '\t':
			r = ' '
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		} else if r >= 0x80 {
			r = []rune(strings.ToLower(string(r)))[0]
		}
		n := b.Len()
		b.WriteRune(r)
		for range b.Len() - n {
			off = append(off, i)
		}
	}
	off = append(off, len(s))
	return b.String(), off
}

// Find returns every non-negated feature match in text, at most one per
// feature (the first).
func (lx *Lexicon) Find(field, text string) []Match {
	if text == "" {
		return nil
	}
	norm, off := normalize(text)
	var out []Match
	sents := sentenceStarts(norm)
	var cand []int
	for _, f := range lx.Features {
	pats:
		for _, pt := range f.pats {
			// Run the pattern only on the sentences that hold one of its
			// required literals: the backtracker's cost grows with the text.
			cand = cand[:0]
			if pt.lits == nil {
				for i := range sents {
					cand = append(cand, i)
				}
			} else {
				for _, l := range pt.lits {
					for from := 0; ; {
						k := strings.Index(norm[from:], l)
						if k < 0 {
							break
						}
						si := sort.SearchInts(sents, from+k+1) - 1
						cand = append(cand, si)
						if si+1 < len(sents) {
							from = sents[si+1]
						} else {
							break
						}
					}
				}
				if len(cand) == 0 {
					continue
				}
				sort.Ints(cand)
			}
			last := -1
			for _, si := range cand {
				if si == last {
					continue
				}
				last = si
				lo, hi := sents[si], len(norm)
				if si+1 < len(sents) {
					hi = sents[si+1]
				}
				if a, b, ok := lx.findIn(pt.re, norm, lo, hi); ok {
					s, e := off[a], off[b]
					out = append(out, Match{Feature: f, Field: field, Start: s, End: e, Text: text[s:e]})
					break pats
				}
			}
		}
	}
	return out
}

// findIn finds the first match of re in norm[lo:hi] that sits on word
// boundaries and is not negated.
func (lx *Lexicon) findIn(re *regexp.Regexp, norm string, lo, hi int) (int, int, bool) {
	pos := lo
	for tries := 0; pos < hi && tries < 8; tries++ {
		loc := re.FindStringIndex(norm[pos:hi])
		if loc == nil {
			return 0, 0, false
		}
		a, b := pos+loc[0], pos+loc[1]
		if b == a || a > 0 && isAlnum(norm[a-1]) && isAlnum(norm[a]) || b < len(norm) && isAlnum(norm[b-1]) && isAlnum(norm[b]) {
			pos = a + 1
			continue
		}
		if lx.negated(norm, a) {
			pos = b
			continue
		}
		return a, b, true
	}
	return 0, 0, false
}

// sentenceStarts returns the offsets at which the sentences of norm begin.
func sentenceStarts(norm string) []int {
	out := []int{0}
	for i := 0; i+1 < len(norm); i++ {
		switch norm[i] {
		case '.', '!', '?', ';':
			if norm[i+1] == ' ' && i+2 < len(norm) {
				out = append(out, i+2)
			}
		}
	}
	return out
}

// negated reports whether a negation cue governs the words just before
// start: within the same clause and at most window words back.
func (lx *Lexicon) negated(norm string, start int) bool {
	i := start
	words := 0
	for i > 0 && words < lx.window {
		// skip separators, stopping at a clause boundary
		for i > 0 && !isWordByte(norm[i-1]) {
			switch norm[i-1] {
			case '.', ';', '!', '?', ':', ',', '(', ')', '"':
				return false
			}
			i--
		}
		j := i
		for j > 0 && isWordByte(norm[j-1]) {
			j--
		}
		if j == i {
			return false
		}
		w := norm[j:i]
		if lx.breaks[w] {
			return false
		}
		if lx.cues[w] || strings.HasSuffix(w, "n't") || strings.HasSuffix(w, "nt") && (w == "didnt" || w == "wasnt" || w == "couldnt" || w == "dont" || w == "doesnt") {
			return true
		}
		words++
		i = j
	}
	return false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '\'' || c == '-' || c >= 0x80
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80 }
