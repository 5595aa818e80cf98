package index

import (
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/investigation-portal/portal/internal/portal"
)

// ParseQuery turns what an investigator typed into a Bleve query over the
// narrative and the suspect description: words and "quoted phrases", all of
// which must match. An empty query matches every report.
func ParseQuery(text string) (query.Query, error) {
	terms, err := splitTerms(text)
	if err != nil {
		return nil, err
	}
	if len(terms) == 0 {
		return bleve.NewMatchAllQuery(), nil
	}
	must := make([]query.Query, 0, len(terms))
	for _, t := range terms {
		fields := make([]query.Query, 0, len(TextFields))
		for _, f := range TextFields {
			if t.phrase {
				q := bleve.NewMatchPhraseQuery(t.text)
				q.SetField(f)
				fields = append(fields, q)
			} else {
				q := bleve.NewMatchQuery(t.text)
				q.SetField(f)
				fields = append(fields, q)
			}
		}
		must = append(must, bleve.NewDisjunctionQuery(fields...))
	}
	return bleve.NewConjunctionQuery(must...), nil
}

type term struct {
	text   string
	phrase bool
}

func splitTerms(text string) ([]term, error) {
	var out []term
	rest := strings.TrimSpace(text)
	for rest != "" {
		if rest[0] == '"' {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return nil, portal.Errorf(portal.EINVALID, "query: the phrase starting at %q has no closing quote", shorten(rest))
			}
			if p := strings.TrimSpace(rest[1 : 1+end]); p != "" {
				out = append(out, term{text: p, phrase: true})
			}
			rest = strings.TrimSpace(rest[end+2:])
			continue
		}
		end := strings.IndexFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
		if end < 0 {
			end = len(rest)
		}
		out = append(out, term{text: rest[:end]})
		rest = strings.TrimSpace(rest[end:])
	}
	return out, nil
}

func shorten(s string) string {
	if len(s) > 30 {
		return s[:30] + "…"
	}
	return s
}
