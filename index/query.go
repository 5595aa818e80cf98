package index

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/investigation-portal/portal/internal/portal"
)

// The query language (documented for users on the search help page):
//
//	query   = or
//	or      = and { "OR" and }
//	and     = unary { ["AND"] unary }          juxtaposition means AND
//	unary   = "NOT" unary | "-" primary | primary
//	primary = "(" or ")" | FIELD ":" value | FIELD ":(" or ")"
//	        | PHRASE [ "~" N ] | WORD [ "*" | "~" N ]
//
// Bleve's own query-string syntax has no AND/OR, parentheses or proximity,
// so this is a hand-written recursive-descent parser that builds Bleve
// queries directly. Every error names the position (in characters, from 1)
// where the problem is, so the page can point at it.

// Parsed is a parsed query.
type Parsed struct {
	Query query.Query
	// AlsoSearched lists the synonyms the query was widened with, to be
	// shown to the user.
	AlsoSearched []string
	// Notes explain parts of the query that had no effect (common words).
	Notes []string
}

// Parser turns query text into Bleve queries.
type Parser struct {
	Synonyms *Synonyms
	// Resolve maps a keyword value as typed to the value as indexed (case,
	// spaces); nil leaves it as typed.
	Resolve func(field, value string) string
}

// Parse parses text. Errors are EINVALID with the position of the problem.
func (ps *Parser) Parse(text string) (*Parsed, error) {
	toks, err := lex(text)
	if err != nil {
		return nil, err
	}
	p := &parser{ps: ps, text: text, toks: toks, out: &Parsed{}}
	if len(toks) == 0 {
		p.out.Query = bleve.NewMatchAllQuery()
		return p.out, nil
	}
	n, err := p.or(TextFields)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tRParen {
			return nil, p.errAt(t, "a ')' without a matching '('")
		}
		return nil, p.errAt(t, "unexpected %s", t.describe())
	}
	p.out.Query = n.query()
	return p.out, nil
}

// ---- lexer ----

type tokKind int

const (
	tEOF tokKind = iota
	tWord
	tPhrase
	tLParen
	tRParen
	tMinus
	tAnd
	tOr
	tNot
	tField // text is the field name; the value follows as the next token
)

type token struct {
	kind tokKind
	text string
	pos  int // byte offset in the query
	// For phrases: the ~N proximity, -1 when absent.
	slop int
}

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of the query"
	case tLParen:
		return "'('"
	case tRParen:
		return "')'"
	case tMinus:
		return "'-'"
	case tAnd, tOr, tNot:
		return t.text
	case tPhrase:
		return fmt.Sprintf("phrase %q", t.text)
	case tField:
		return fmt.Sprintf("field %s:", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

func isSpace(r rune) bool { return unicode.IsSpace(r) }

func lex(s string) ([]token, error) {
	var out []token
	i := 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case isSpace(r):
			i += w
		case r == '(':
			out = append(out, token{kind: tLParen, pos: i})
			i++
		case r == ')':
			out = append(out, token{kind: tRParen, pos: i})
			i++
		case r == '"' || r == '“' || r == '”':
			t, n, err := lexPhrase(s, i)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
			i = n
		case r == '-' && i+1 < len(s) && !isSpace(rune(s[i+1])) && s[i+1] != ')':
			// Only at the start of a token: "ex-partner" stays one word.
			out = append(out, token{kind: tMinus, pos: i})
			i++
		default:
			start := i
			for i < len(s) {
				r, w := utf8.DecodeRuneInString(s[i:])
				if isSpace(r) || r == '(' || r == ')' || r == '"' || r == '“' || r == '”' {
					break
				}
				i += w
				if r == ':' && isFieldName(s[start:i-1]) {
					break
				}
			}
			word := s[start:i]
			switch {
			case word == "AND" || word == "&&":
				out = append(out, token{kind: tAnd, text: "AND", pos: start})
			case word == "OR" || word == "||":
				out = append(out, token{kind: tOr, text: "OR", pos: start})
			case word == "NOT":
				out = append(out, token{kind: tNot, text: "NOT", pos: start})
			case strings.HasSuffix(word, ":") && isFieldName(word[:len(word)-1]):
				out = append(out, token{kind: tField, text: strings.ToLower(word[:len(word)-1]), pos: start})
				if i >= len(s) || isSpace(rune(s[i])) {
					return nil, errAt(s, start, "%s needs a value right after the colon, e.g. %s:value", word, word[:len(word)-1])
				}
			default:
				out = append(out, token{kind: tWord, text: word, pos: start})
			}
		}
	}
	return out, nil
}

// isFieldName: field names are letters and underscores, so "10:30" is a
// word, not a field.
func isFieldName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func lexPhrase(s string, start int) (token, int, error) {
	_, w := utf8.DecodeRuneInString(s[start:])
	i := start + w
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == '"' || r == '“' || r == '”' {
			t := token{kind: tPhrase, text: strings.TrimSpace(s[start+firstRuneLen(s[start:]) : i]), pos: start, slop: -1}
			i += w
			if i < len(s) && s[i] == '~' {
				j := i + 1
				for j < len(s) && s[j] >= '0' && s[j] <= '9' {
					j++
				}
				n, err := strconv.Atoi(s[i+1 : j])
				if err != nil || n > 50 {
					return t, 0, errAt(s, i, "after a phrase, ~ takes a number of words from 0 to 50, e.g. \"hand mouth\"~3")
				}
				t.slop = n
				i = j
			}
			return t, i, nil
		}
		i += w
	}
	return token{}, 0, errAt(s, start, "the phrase starting here has no closing quote")
}

func firstRuneLen(s string) int { _, w := utf8.DecodeRuneInString(s); return w }

// errAt makes an EINVALID error that points at byte offset pos of s.
func errAt(s string, pos int, format string, args ...any) error {
	col := utf8.RuneCountInString(s[:min(pos, len(s))]) + 1
	near := s[min(pos, len(s)):]
	if utf8.RuneCountInString(near) > 20 {
		near = string([]rune(near)[:20]) + "…"
	}
	msg := fmt.Sprintf(format, args...)
	if near == "" {
		return portal.Errorf(portal.EINVALID, "query: at the end (position %d): %s", col, msg)
	}
	return portal.Errorf(portal.EINVALID, "query: at position %d (%q): %s", col, near, msg)
}

// ---- parser ----

type parser struct {
	ps   *Parser
	text string
	toks []token
	i    int
	out  *Parsed
}

func (p *parser) peek() token {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return token{kind: tEOF, pos: len(p.text)}
}

func (p *parser) next() token { t := p.peek(); p.i++; return t }

func (p *parser) errAt(t token, format string, args ...any) error {
	return errAt(p.text, t.pos, format, args...)
}

// node is a parsed clause: a query, and whether it only excludes.
type node struct {
	q   query.Query
	neg bool // a NOT clause: exclude q
	// empty marks a clause that matched nothing to search for (only
	// common words); it is left out of its parent.
	empty bool
}

func (n node) query() query.Query {
	if n.empty {
		return bleve.NewMatchAllQuery()
	}
	if n.neg {
		b := bleve.NewBooleanQuery()
		b.AddMust(bleve.NewMatchAllQuery())
		b.AddMustNot(n.q)
		return b
	}
	return n.q
}

func (p *parser) or(fields []string) (node, error) {
	first, err := p.and(fields)
	if err != nil {
		return node{}, err
	}
	alts := []node{first}
	for p.peek().kind == tOr {
		op := p.next()
		if k := p.peek().kind; k == tEOF || k == tRParen || k == tOr || k == tAnd {
			return node{}, p.errAt(op, "OR needs something to search for after it")
		}
		n, err := p.and(fields)
		if err != nil {
			return node{}, err
		}
		alts = append(alts, n)
	}
	if len(alts) == 1 {
		return first, nil
	}
	qs := make([]query.Query, 0, len(alts))
	for _, a := range alts {
		if a.empty {
			// "the OR knife" would otherwise match everything.
			continue
		}
		qs = append(qs, a.query())
	}
	if len(qs) == 0 {
		return node{empty: true}, nil
	}
	return node{q: bleve.NewDisjunctionQuery(qs...)}, nil
}

func (p *parser) and(fields []string) (node, error) {
	var items []node
	for {
		t := p.peek()
		if t.kind == tEOF || t.kind == tRParen || t.kind == tOr {
			break
		}
		if t.kind == tAnd {
			op := p.next()
			if len(items) == 0 {
				return node{}, p.errAt(op, "AND needs something to search for before it")
			}
			if k := p.peek().kind; k == tEOF || k == tRParen || k == tOr || k == tAnd {
				return node{}, p.errAt(op, "AND needs something to search for after it")
			}
			continue
		}
		n, err := p.unary(fields)
		if err != nil {
			return node{}, err
		}
		items = append(items, n)
	}
	if len(items) == 0 {
		return node{}, p.errAt(p.peek(), "expected a word, a \"phrase\", a field:value or '(' here")
	}
	if len(items) == 1 {
		return items[0], nil
	}
	var must, not []query.Query
	for _, n := range items {
		switch {
		case n.empty:
		case n.neg:
			not = append(not, n.q)
		default:
			must = append(must, n.q)
		}
	}
	if len(must) == 0 && len(not) == 0 {
		return node{empty: true}, nil
	}
	if len(not) == 0 {
		if len(must) == 1 {
			return node{q: must[0]}, nil
		}
		return node{q: bleve.NewConjunctionQuery(must...)}, nil
	}
	b := bleve.NewBooleanQuery()
	if len(must) == 0 {
		b.AddMust(bleve.NewMatchAllQuery())
	} else {
		b.AddMust(must...)
	}
	b.AddMustNot(not...)
	return node{q: b}, nil
}

func (p *parser) unary(fields []string) (node, error) {
	t := p.peek()
	switch t.kind {
	case tNot, tMinus:
		p.next()
		if k := p.peek().kind; k == tEOF || k == tRParen || k == tOr || k == tAnd {
			return node{}, p.errAt(t, "%s needs something to exclude right after it", t.describe())
		}
		var n node
		var err error
		if t.kind == tNot {
			n, err = p.unary(fields)
		} else {
			n, err = p.primary(fields)
		}
		if err != nil {
			return node{}, err
		}
		if n.empty {
			return n, nil
		}
		if n.neg { // NOT NOT x
			return node{q: n.q}, nil
		}
		return node{q: n.q, neg: true}, nil
	}
	return p.primary(fields)
}

func (p *parser) primary(fields []string) (node, error) {
	t := p.next()
	switch t.kind {
	case tLParen:
		if p.peek().kind == tRParen {
			return node{}, p.errAt(t, "empty parentheses")
		}
		n, err := p.or(fields)
		if err != nil {
			return node{}, err
		}
		if c := p.next(); c.kind != tRParen {
			return node{}, p.errAt(t, "this '(' is never closed")
		}
		return n, nil
	case tPhrase:
		return p.phrase(t, fields)
	case tWord:
		return p.word(t, fields)
	case tField:
		return p.field(t)
	case tRParen:
		return node{}, p.errAt(t, "a ')' without a matching '('")
	}
	return node{}, p.errAt(t, "expected a word, a \"phrase\", a field:value or '(' instead of %s", t.describe())
}

// ---- text clauses ----

// positions analyzes s into terms with "" where the analyzer dropped a
// common word between two kept ones, as the index's positions have it.
func positions(s string) []string {
	toks := textAnalyzer.Analyze([]byte(s))
	var out []string
	last := 0
	for _, t := range toks {
		if last > 0 {
			for gap := t.Position - last - 1; gap > 0; gap-- {
				out = append(out, "")
			}
		}
		out = append(out, string(t.Term))
		last = t.Position
	}
	return out
}

// termsQuery matches the analyzed terms as a phrase (one term: a term query)
// in any of fields.
func termsQuery(terms []string, fields []string) query.Query {
	qs := make([]query.Query, 0, len(fields))
	for _, f := range fields {
		if len(terms) == 1 {
			q := bleve.NewTermQuery(terms[0])
			q.SetField(f)
			qs = append(qs, q)
		} else {
			qs = append(qs, &phraseQuery{Field: f, Terms: terms})
		}
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// expand returns the phrase as analyzed terms plus its variants with one
// synonym substituted, noting the synonyms used.
func (p *parser) expand(terms []string) [][]string {
	variants := [][]string{terms}
	for i := 0; i < len(terms); i++ {
		if terms[i] == "" {
			continue
		}
		g, m, n, ok := p.ps.Synonyms.match(terms, i)
		if !ok {
			continue
		}
		for _, o := range p.ps.Synonyms.others(g, m) {
			v := slices.Concat(terms[:i], o.terms, terms[i+n:])
			variants = append(variants, v)
			p.also(o.text)
		}
		i += n - 1
	}
	return variants
}

func (p *parser) also(s string) {
	if !slices.Contains(p.out.AlsoSearched, s) {
		p.out.AlsoSearched = append(p.out.AlsoSearched, s)
	}
}

func (p *parser) note(format string, args ...any) {
	p.out.Notes = append(p.out.Notes, fmt.Sprintf(format, args...))
}

func (p *parser) phrase(t token, fields []string) (node, error) {
	terms := positions(t.text)
	if len(terms) == 0 {
		if strings.TrimSpace(t.text) == "" {
			return node{}, p.errAt(t, "empty phrase")
		}
		p.note("%q has only common words, which the index does not keep; it was left out", t.text)
		return node{empty: true}, nil
	}
	if t.slop >= 0 {
		return p.proximity(t, terms, fields)
	}
	variants := p.expand(terms)
	qs := make([]query.Query, 0, len(variants))
	for _, v := range variants {
		qs = append(qs, termsQuery(v, fields))
	}
	if len(qs) == 1 {
		return node{q: qs[0]}, nil
	}
	return node{q: bleve.NewDisjunctionQuery(qs...)}, nil
}

func (p *parser) proximity(t token, terms []string, fields []string) (node, error) {
	var groups [][]string
	for i, term := range terms {
		if term == "" {
			continue
		}
		g := []string{term}
		if gi, m, n, ok := p.ps.Synonyms.match(terms, i); ok && n == 1 {
			for _, o := range p.ps.Synonyms.others(gi, m) {
				if len(o.terms) == 1 {
					g = append(g, o.terms[0])
					p.also(o.text)
				}
			}
		}
		groups = append(groups, g)
	}
	if len(groups) < 2 {
		return p.phrase(token{kind: tPhrase, text: t.text, pos: t.pos, slop: -1}, fields)
	}
	qs := make([]query.Query, 0, len(fields))
	for _, f := range fields {
		qs = append(qs, &proximityQuery{Field: f, Groups: groups, Slop: t.slop})
	}
	if len(qs) == 1 {
		return node{q: qs[0]}, nil
	}
	return node{q: bleve.NewDisjunctionQuery(qs...)}, nil
}

func (p *parser) word(t token, fields []string) (node, error) {
	w := t.text
	switch {
	case strings.HasSuffix(w, "*"):
		stem := strings.ToLower(strings.TrimRight(w, "*"))
		if strings.ContainsAny(stem, "*?") {
			return node{}, p.errAt(t, "* may only end a word (prefix search), e.g. minic*")
		}
		if utf8.RuneCountInString(stem) < 2 {
			return node{}, p.errAt(t, "a prefix search needs at least 2 letters before the *")
		}
		qs := make([]query.Query, 0, len(fields))
		for _, f := range fields {
			q := bleve.NewPrefixQuery(stem)
			q.SetField(f)
			qs = append(qs, q)
		}
		return node{q: bleve.NewDisjunctionQuery(qs...)}, nil
	case strings.Contains(w, "~"):
		base, num, _ := strings.Cut(w, "~")
		n := 1
		if num != "" {
			var err error
			n, err = strconv.Atoi(num)
			if err != nil || n < 0 || n > 2 {
				return node{}, p.errAt(t, "after a word, ~ takes an edit distance of 1 or 2, e.g. minicab~1")
			}
		}
		terms := analyze(base)
		if len(terms) != 1 {
			return node{}, p.errAt(t, "a fuzzy search (~) works on one word, not %q", base)
		}
		qs := make([]query.Query, 0, len(fields))
		for _, f := range fields {
			q := bleve.NewFuzzyQuery(terms[0])
			q.SetFuzziness(n)
			q.SetField(f)
			qs = append(qs, q)
		}
		return node{q: bleve.NewDisjunctionQuery(qs...)}, nil
	case strings.Contains(w, "*") || strings.Contains(w, "?"):
		return node{}, p.errAt(t, "wildcards only work at the end of a word (minic*)")
	}
	terms := positions(w)
	if len(terms) == 0 {
		if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
			return node{}, p.errAt(t, "%q has no letters or digits to search for", w)
		}
		p.note("%q is a common word the index does not keep; it was left out", w)
		return node{empty: true}, nil
	}
	return p.phrase(token{kind: tPhrase, text: w, pos: t.pos, slop: -1}, fields)
}

// ---- field clauses ----

var textFieldNames = map[string][]string{
	"narrative":           {FieldNarrative},
	"text":                TextFields,
	"suspect":             {FieldSuspect},
	"suspect_description": {FieldSuspect},
	"description":         {FieldSuspect},
}

var keywordFieldNames = map[string]string{
	"offence": FieldOffence, "offense": FieldOffence,
	"borough":       FieldBorough,
	"location_type": FieldLocationType, "location": FieldLocationType, "place": FieldLocationType, "type": FieldLocationType,
	"unit": FieldUnit,
}

// FieldNames lists the field prefixes the language knows, for the help page
// and error messages.
var FieldNames = []string{"narrative", "suspect", "offence", "borough", "location_type", "unit", "year",
	"occurred", "reported", "age", "hour", "near"}

func (p *parser) field(t token) (node, error) {
	name := t.text
	if fs, ok := textFieldNames[name]; ok {
		v := p.peek()
		switch v.kind {
		case tLParen:
			return p.primary(fs)
		case tWord, tPhrase:
			p.next()
			if v.kind == tPhrase {
				return p.phrase(v, fs)
			}
			return p.word(v, fs)
		}
		return node{}, p.errAt(v, "%s: needs a word, a \"phrase\" or a (group) after it", name)
	}
	v := p.next()
	if v.kind != tWord && v.kind != tPhrase {
		return node{}, p.errAt(t, "%s: needs a value right after the colon", name)
	}
	if f, ok := keywordFieldNames[name]; ok {
		if v.kind == tWord && strings.Contains(v.text, ",") {
			var qs []query.Query
			for _, part := range strings.Split(v.text, ",") {
				if part != "" {
					qs = append(qs, p.keyword(f, part))
				}
			}
			return node{q: filter(bleve.NewDisjunctionQuery(qs...))}, nil
		}
		return node{q: filter(p.keyword(f, v.text))}, nil
	}
	if v.kind == tPhrase {
		return node{}, p.errAt(v, "%s: takes a value without quotes", name)
	}
	var q query.Query
	var err error
	switch name {
	case "year":
		q, err = yearQuery(v.text)
	case "occurred", "date", "occurred_at", "when":
		q, err = dateRangeQuery(FieldOccurredAt, v.text)
	case "reported", "reported_at":
		q, err = dateRangeQuery(FieldReportedAt, v.text)
	case "age", "victim_age":
		q, err = numberRangeQuery(FieldVictimAge, v.text, 0, 120)
	case "hour":
		q, err = HourQuery(v.text)
	case "near":
		q, err = parseNearQuery(v.text)
	default:
		return node{}, p.errAt(t, "unknown field %q (known: %s); put the words in quotes to search for them as text",
			name, strings.Join(FieldNames, ", "))
	}
	if err != nil {
		return node{}, p.errAt(v, "%s: %s", name, err)
	}
	return node{q: filter(q)}, nil
}

func (p *parser) keyword(field, value string) query.Query {
	if p.ps.Resolve != nil {
		value = p.ps.Resolve(field, value)
	}
	q := bleve.NewTermQuery(value)
	q.SetField(field)
	return q
}

// splitRange splits "a..b", "<x", "<=x", ">x", ">=x" or "x" into bounds.
// lo/hi are "" when open; incl says whether each bound is inclusive.
func splitRange(v string) (lo, hi string, loIncl, hiIncl bool, err error) {
	switch {
	case strings.Contains(v, ".."):
		lo, hi, _ = strings.Cut(v, "..")
		if lo == "" && hi == "" {
			return "", "", false, false, fmt.Errorf("a range needs at least one end, e.g. 2024-03..2024-06")
		}
		return lo, hi, true, true, nil
	case strings.HasPrefix(v, ">="):
		return v[2:], "", true, false, nil
	case strings.HasPrefix(v, "<="):
		return "", v[2:], false, true, nil
	case strings.HasPrefix(v, ">"):
		return v[1:], "", false, false, nil
	case strings.HasPrefix(v, "<"):
		return "", v[1:], false, false, nil
	}
	return v, v, true, true, nil
}

// parsePeriod reads 2024, 2024-03, 2024-03-15 or an RFC 3339 time as the
// period [start, end).
func parsePeriod(s string) (start, end time.Time, err error) {
	for _, f := range []struct {
		layout string
		next   func(time.Time) time.Time
	}{
		{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
		{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
		{"2006-01-02", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
		{time.RFC3339, func(t time.Time) time.Time { return t.Add(time.Second) }},
	} {
		if t, err := time.Parse(f.layout, s); err == nil {
			return t.UTC(), f.next(t).UTC(), nil
		}
	}
	return time.Time{}, time.Time{}, fmt.Errorf("%q is not a date; write 2024, 2024-03 or 2024-03-15", s)
}

// DateRange turns the bounds of a date range into [from, to): a bound names
// a whole year, month or day.
func DateRange(v string) (from, to time.Time, err error) {
	lo, hi, loIncl, hiIncl, err := splitRange(v)
	if err != nil {
		return from, to, err
	}
	if lo != "" {
		s, e, err := parsePeriod(lo)
		if err != nil {
			return from, to, err
		}
		from = s
		if !loIncl {
			from = e
		}
	}
	if hi != "" {
		s, e, err := parsePeriod(hi)
		if err != nil {
			return from, to, err
		}
		to = e
		if !hiIncl {
			to = s
		}
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return from, to, fmt.Errorf("the range %s is empty: its start is not before its end", v)
	}
	return from, to, nil
}

func dateRangeQuery(field, v string) (query.Query, error) {
	from, to, err := DateRange(v)
	if err != nil {
		return nil, err
	}
	return dateQuery(field, from, to), nil
}

func dateQuery(field string, from, to time.Time) query.Query {
	t := true
	f := false
	q := bleve.NewDateRangeInclusiveQuery(from, to, &t, &f)
	q.SetField(field)
	return q
}

// numberRange parses an integer range within [min, max], inclusive bounds.
func numberRange(v string, lowest, highest int) (lo, hi int, err error) {
	los, his, loIncl, hiIncl, err := splitRange(v)
	if err != nil {
		return 0, 0, err
	}
	lo, hi = lowest, highest
	if los != "" {
		if lo, err = strconv.Atoi(los); err != nil {
			return 0, 0, fmt.Errorf("%q is not a whole number", los)
		}
		if !loIncl {
			lo++
		}
	}
	if his != "" {
		if hi, err = strconv.Atoi(his); err != nil {
			return 0, 0, fmt.Errorf("%q is not a whole number", his)
		}
		if !hiIncl {
			hi--
		}
	}
	if lo < lowest || hi > highest || (los != "" && lo > highest) || (his != "" && hi < lowest) {
		return 0, 0, fmt.Errorf("%s is outside %d..%d", v, lowest, highest)
	}
	return lo, hi, nil
}

func numberRangeQuery(field, v string, lowest, highest int) (query.Query, error) {
	lo, hi, err := numberRange(v, lowest, highest)
	if err != nil {
		return nil, err
	}
	if lo > hi {
		return nil, fmt.Errorf("the range %s is empty", v)
	}
	return numQuery(field, lo, hi), nil
}

func numQuery(field string, lo, hi int) query.Query {
	a, b := float64(lo), float64(hi)
	t := true
	q := bleve.NewNumericRangeInclusiveQuery(&a, &b, &t, &t)
	q.SetField(field)
	return q
}

// HourQuery parses a time-of-day range of whole hours; 22..04 wraps
// midnight (22:00 to 04:59).
func HourQuery(v string) (query.Query, error) {
	if strings.Contains(v, "..") {
		los, his, _ := strings.Cut(v, "..")
		if los != "" && his != "" {
			lo, err1 := strconv.Atoi(los)
			hi, err2 := strconv.Atoi(his)
			if err1 != nil || err2 != nil || lo < 0 || lo > 23 || hi < 0 || hi > 23 {
				return nil, fmt.Errorf("hours are whole numbers 0..23, e.g. hour:22..04")
			}
			return HourRange(lo, hi), nil
		}
	}
	lo, hi, err := numberRange(v, 0, 23)
	if err != nil {
		return nil, fmt.Errorf("hours are whole numbers 0..23 (%v)", err)
	}
	if lo > hi {
		return nil, fmt.Errorf("the range %s is empty", v)
	}
	return numQuery(FieldHour, lo, hi), nil
}

// HourRange matches reports that occurred from hour lo to hour hi
// inclusive, wrapping midnight when lo > hi.
func HourRange(lo, hi int) query.Query {
	if lo <= hi {
		return numQuery(FieldHour, lo, hi)
	}
	return bleve.NewDisjunctionQuery(numQuery(FieldHour, lo, 23), numQuery(FieldHour, 0, hi))
}

// ParseNear reads LAT,LON,DIST where DIST is km by default or has a unit
// (km, m, mi).
func ParseNear(v string) (lat, lon, km float64, err error) {
	parts := strings.Split(v, ",")
	if len(parts) != 3 {
		return 0, 0, 0, fmt.Errorf("write near:LAT,LON,DISTANCE, e.g. near:51.46,-0.11,2km")
	}
	if lat, err = strconv.ParseFloat(strings.TrimSpace(parts[0]), 64); err != nil || lat < -90 || lat > 90 {
		return 0, 0, 0, fmt.Errorf("latitude %q is not a number from -90 to 90", parts[0])
	}
	if lon, err = strconv.ParseFloat(strings.TrimSpace(parts[1]), 64); err != nil || lon < -180 || lon > 180 {
		return 0, 0, 0, fmt.Errorf("longitude %q is not a number from -180 to 180", parts[1])
	}
	d := strings.ToLower(strings.TrimSpace(parts[2]))
	mult := 1.0
	switch {
	case strings.HasSuffix(d, "km"):
		d = d[:len(d)-2]
	case strings.HasSuffix(d, "mi"):
		d, mult = d[:len(d)-2], 1.609344
	case strings.HasSuffix(d, "m"):
		d, mult = d[:len(d)-1], 0.001
	}
	km, err = strconv.ParseFloat(d, 64)
	if err != nil || km <= 0 || math.IsInf(km, 0) || km*mult > 1000 {
		return 0, 0, 0, fmt.Errorf("distance %q is not a positive number up to 1000km", parts[2])
	}
	return lat, lon, km * mult, nil
}

func parseNearQuery(v string) (query.Query, error) {
	lat, lon, km, err := ParseNear(v)
	if err != nil {
		return nil, err
	}
	return NearQuery(lat, lon, km), nil
}

func yearQuery(v string) (query.Query, error) {
	lo, hi, err := numberRange(v, 1900, 2100)
	if err != nil {
		return nil, err
	}
	if lo > hi || hi-lo > 200 {
		return nil, fmt.Errorf("the range %s is empty", v)
	}
	qs := make([]query.Query, 0, hi-lo+1)
	for y := lo; y <= hi; y++ {
		q := bleve.NewTermQuery(strconv.Itoa(y))
		q.SetField(FieldYear)
		qs = append(qs, q)
	}
	if len(qs) == 1 {
		return qs[0], nil
	}
	return bleve.NewDisjunctionQuery(qs...), nil
}
