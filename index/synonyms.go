package index

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
)

// Synonyms are groups of words and phrases that mean the same to an
// investigator (minicab, taxi, cab, Uber driver). They are applied when a
// query is parsed, never when indexing, so editing the list needs no
// reindex. Members are compared after the text analyzer has run, so
// "minicabs" finds the "minicab" group.
type Synonyms struct {
	groups [][]synonym
	// byFirst maps the first analyzed term of a member to the members that
	// start with it, for a longest-match scan over a query's terms.
	byFirst map[string][]synRef
}

type synonym struct {
	text  string   // as written in the file
	terms []string // analyzed
}

type synRef struct{ group, member int }

// textAnalyzer is the analyzer of the text fields, used to compare query
// words with synonyms and to spot words the index does not keep.
var textAnalyzer = func() analysis.Analyzer {
	a := bleve.NewIndexMapping().AnalyzerNamed(en.AnalyzerName)
	if a == nil {
		panic("index: no English analyzer")
	}
	return a
}()

// analyze returns the terms the index would keep for s, in order.
func analyze(s string) []string {
	toks := textAnalyzer.Analyze([]byte(s))
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		out = append(out, string(t.Term))
	}
	return out
}

// LoadSynonyms reads a synonym file: one group a line, members separated by
// commas, # starts a comment.
func LoadSynonyms(path string) (*Synonyms, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("index: synonyms: %w", err)
	}
	defer f.Close()
	s, err := ReadSynonyms(f)
	if err != nil {
		return nil, fmt.Errorf("index: synonyms %s: %w", path, err)
	}
	return s, nil
}

// ReadSynonyms parses the synonym file format from r.
func ReadSynonyms(r io.Reader) (*Synonyms, error) {
	s := &Synonyms{byFirst: map[string][]synRef{}}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text, _, _ := strings.Cut(sc.Text(), "#")
		if strings.TrimSpace(text) == "" {
			continue
		}
		var g []synonym
		for _, m := range strings.Split(text, ",") {
			m = strings.TrimSpace(m)
			if m == "" {
				continue
			}
			terms := analyze(m)
			if len(terms) == 0 {
				return nil, fmt.Errorf("line %d: %q is only common words the index does not keep", line, m)
			}
			g = append(g, synonym{text: m, terms: terms})
		}
		if len(g) < 2 {
			return nil, fmt.Errorf("line %d: a group needs at least two members", line)
		}
		for i, m := range g {
			s.byFirst[m.terms[0]] = append(s.byFirst[m.terms[0]], synRef{len(s.groups), i})
		}
		s.groups = append(s.groups, g)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// match finds the longest member starting at terms[i], returning its group
// and how many terms it covers; ok is false when none starts there.
func (s *Synonyms) match(terms []string, i int) (group, member, n int, ok bool) {
	if s == nil {
		return 0, 0, 0, false
	}
	for _, ref := range s.byFirst[terms[i]] {
		m := s.groups[ref.group][ref.member]
		if len(m.terms) > n && len(terms)-i >= len(m.terms) && equal(terms[i:i+len(m.terms)], m.terms) {
			group, member, n, ok = ref.group, ref.member, len(m.terms), true
		}
	}
	return group, member, n, ok
}

// others returns the members of group g other than member m.
func (s *Synonyms) others(g, m int) []synonym {
	out := make([]synonym, 0, len(s.groups[g])-1)
	for i, x := range s.groups[g] {
		if i != m {
			out = append(out, x)
		}
	}
	return out
}

// Groups lists the groups as written in the file.
func (s *Synonyms) Groups() [][]string {
	if s == nil {
		return nil
	}
	out := make([][]string, len(s.groups))
	for i, g := range s.groups {
		for _, m := range g {
			out[i] = append(out[i], m.text)
		}
	}
	return out
}

// Len is the number of groups.
func (s *Synonyms) Len() int {
	if s == nil {
		return 0
	}
	return len(s.groups)
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
