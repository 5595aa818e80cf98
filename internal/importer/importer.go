// Package importer reads report records (NDJSON, a JSON array, or CSV),
// validates each against the contract, and writes the valid ones to the
// store in durable batches. It streams: memory does not grow with the size
// of the file, only with the number of distinct ids in it.
package importer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
)

// Format is the shape of an input.
type Format string

const (
	NDJSON Format = "ndjson" // one JSON object a line; a body starting with [ is read as a JSON array
	CSV    Format = "csv"    // a header row of field names, then one record a row
)

// FormatFor guesses the format from a file name: .csv is CSV, anything
// else NDJSON.
func FormatFor(name string) Format {
	if strings.EqualFold(filepath.Ext(name), ".csv") {
		return CSV
	}
	return NDJSON
}

// ParseFormat checks a --format value.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "ndjson", "jsonl", "json":
		return NDJSON, nil
	case "csv":
		return CSV, nil
	}
	return "", portal.Errorf(portal.EINVALID, "unknown format %q (ndjson or csv)", s)
}

// RecordError is one rejected record, printed as FILE:LINE: FIELD: problem.
type RecordError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

func (e RecordError) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Field, e.Problem)
}

// Summary counts what an import did.
type Summary struct {
	Imported      int           `json:"imported"`
	Updated       int           `json:"updated"`
	Unchanged     int           `json:"unchanged"`
	Rejected      int           `json:"rejected"`
	UnknownFields []string      `json:"unknown_fields,omitempty"`
	Errors        []RecordError `json:"errors,omitempty"` // the first MaxErrors; Rejected counts all
	Changed       []string      `json:"-"`                // ids inserted or updated, for the caller's audit; capped like Errors
}

// MaxErrors caps the rejected records a Summary keeps; OnError sees all.
const MaxErrors = 1000

// Writer is where valid reports go; *store.Store is one.
type Writer interface {
	UpsertReports(ctx context.Context, reports []portal.Report) ([]store.UpsertResult, error)
}

// Importer validates and writes records.
type Importer struct {
	Writer   Writer
	Offences []string // allowed offence values; portal.DefaultOffences when empty
	// BatchSize is how many reports go into one store transaction.
	BatchSize int
	// OnError, if set, is called for every rejected record as it is found.
	OnError func(RecordError)
	// BeforeBatch, if set, is called with each batch before it is written;
	// an error stops the import with nothing of that batch written (the
	// audit log hooks in here, so that an unlogged write never happens).
	BeforeBatch func(reports []portal.Report) error
	// OnBatch, if set, is called after each durable batch (the indexer
	// hooks in here to follow the store while the import runs).
	OnBatch func(results []store.UpsertResult)
}

// MaxLine is the longest NDJSON line read; a longer line is rejected whole.
const MaxLine = 16 << 20

// maxBatchBytes flushes a batch early when its narratives are large.
const maxBatchBytes = 8 << 20

// Import reads all of r (named name in messages) in the given format. It
// returns an error only when the input could not be read at all or the
// store failed; the summary then says what was stored before that.
func (im *Importer) Import(ctx context.Context, r io.Reader, name string, format Format) (Summary, error) {
	run := &run{im: im, ctx: ctx, name: name, v: newValidator(im.Offences),
		seen: make(map[uint64]int), unknown: map[string]bool{}}
	if run.batchSize = im.BatchSize; run.batchSize <= 0 {
		run.batchSize = 500
	}
	var err error
	switch format {
	case CSV:
		err = run.readCSV(r)
	default:
		err = run.readJSON(r)
	}
	if err == nil {
		err = run.flush()
	}
	for f := range run.unknown {
		run.sum.UnknownFields = append(run.sum.UnknownFields, f)
	}
	slices.Sort(run.sum.UnknownFields)
	return run.sum, err
}

type run struct {
	im        *Importer
	ctx       context.Context
	name      string
	v         *validator
	batchSize int
	batch     []portal.Report
	bytes     int
	seen      map[uint64]int // fnv-64 of each id → the line it was first read on
	unknown   map[string]bool
	sum       Summary
	records   int // records read, valid or not
}

func (r *run) reject(line int, field, format string, args ...any) {
	e := RecordError{File: r.name, Line: line, Field: field, Problem: fmt.Sprintf(format, args...)}
	r.sum.Rejected++
	if len(r.sum.Errors) < MaxErrors {
		r.sum.Errors = append(r.sum.Errors, e)
	}
	if r.im.OnError != nil {
		r.im.OnError(e)
	}
}

// take validates one record and queues it.
func (r *run) take(line int, rec record) error {
	r.records++
	rep, unknown, probs := r.v.report(rec)
	if len(probs) > 0 {
		msg := probs[0].text
		for _, p := range probs[1:] {
			msg += "; also " + p.field + ": " + p.text
		}
		r.reject(line, probs[0].field, "%s", msg)
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte(rep.ID))
	key := h.Sum64()
	if first, dup := r.seen[key]; dup {
		r.reject(line, "id", "%s appears again (first on line %d); the first one is kept", rep.ID, first)
		return nil
	}
	r.seen[key] = line
	for _, f := range unknown {
		r.unknown[f] = true
	}
	r.batch = append(r.batch, rep)
	r.bytes += len(rep.Narrative) + len(rep.SuspectDescription) + len(rep.Extra)
	if len(r.batch) >= r.batchSize || r.bytes >= maxBatchBytes {
		return r.flush()
	}
	return nil
}

// flush writes the queued reports in one transaction; only then are they
// counted as imported.
func (r *run) flush() error {
	if len(r.batch) == 0 {
		return nil
	}
	if r.im.BeforeBatch != nil {
		if err := r.im.BeforeBatch(r.batch); err != nil {
			return fmt.Errorf("importer: %s: after %d stored: %w", r.name, r.sum.Imported+r.sum.Updated, err)
		}
	}
	results, err := r.im.Writer.UpsertReports(r.ctx, r.batch)
	if err != nil {
		return fmt.Errorf("importer: %s: after %d stored: %w", r.name, r.sum.Imported+r.sum.Updated, err)
	}
	for _, res := range results {
		switch res.Outcome {
		case store.Inserted:
			r.sum.Imported++
		case store.Updated:
			r.sum.Updated++
		case store.Unchanged:
			r.sum.Unchanged++
		}
		if res.Outcome != store.Unchanged && len(r.sum.Changed) < MaxErrors {
			r.sum.Changed = append(r.sum.Changed, res.ID)
		}
	}
	if r.im.OnBatch != nil {
		r.im.OnBatch(results)
	}
	r.batch, r.bytes = r.batch[:0], 0
	return nil
}

func (r *run) readJSON(in io.Reader) error {
	br := bufio.NewReaderSize(in, 1<<20)
	// A body whose first non-space byte is [ is one JSON array.
	for {
		b, err := br.Peek(1)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil // empty input: nothing to import
			}
			return fmt.Errorf("importer: read %s: %w", r.name, err)
		}
		if b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n' {
			br.ReadByte()
			continue
		}
		if b[0] == '[' {
			return r.readArray(br)
		}
		break
	}
	line := 0
	for {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		text, tooLong, err := readLine(br, MaxLine)
		if len(text) == 0 && !tooLong && errors.Is(err, io.EOF) {
			return nil
		}
		line++
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("importer: read %s line %d: %w", r.name, line, err)
		}
		switch {
		case tooLong:
			r.reject(line, "record", "line longer than %d MiB", MaxLine>>20)
		case len(bytes.TrimSpace(text)) == 0:
			// blank lines are allowed between records
		case !utf8.Valid(text):
			r.reject(line, "record", "invalid UTF-8 at byte %d", invalidAt(text))
		default:
			fields, perr := decodeObject(text)
			if perr != nil {
				r.reject(line, "record", "%s", perr)
			} else if ferr := r.take(line, record{fields: fields}); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
	}
}

// readLine reads one line without its newline. A line longer than max is
// consumed and reported as tooLong without being kept.
func readLine(br *bufio.Reader, max int) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		part, err := br.ReadSlice('\n')
		if len(buf)+len(part) > max {
			tooLong = true
		} else {
			buf = append(buf, part...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			buf = nil
		}
		return bytes.TrimRight(buf, "\r\n"), tooLong, err
	}
}

func decodeObject(text []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var fields map[string]any
	if err := dec.Decode(&fields); err != nil {
		return nil, jsonProblem(err)
	}
	if fields == nil {
		return nil, errors.New("not a JSON object")
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value on the line")
	}
	return fields, nil
}

func jsonProblem(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return errors.New("not a JSON object")
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errors.New("invalid JSON: the record ends early (truncated line?)")
	}
	return fmt.Errorf("invalid JSON: %v", err)
}

func (r *run) readArray(br *bufio.Reader) error {
	dec := json.NewDecoder(br)
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("importer: read %s: %w", r.name, err)
	}
	n := 0
	for dec.More() {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		n++
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			// The array itself is broken: nothing after this point can be
			// trusted to line up, so stop here (what came before is kept).
			r.reject(n, "record", "%s", jsonProblem(err))
			return nil
		}
		if !utf8.Valid(raw) {
			r.reject(n, "record", "invalid UTF-8 at byte %d", invalidAt(raw))
			continue
		}
		fields, err := decodeObject(raw)
		if err != nil {
			r.reject(n, "record", "%s", err)
			continue
		}
		if err := r.take(n, record{fields: fields}); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) readCSV(in io.Reader) error {
	cr := csv.NewReader(bufio.NewReaderSize(in, 1<<20))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return portal.Errorf(portal.EINVALID, "%s:1: header: %v", r.name, err)
	}
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) // a BOM from spreadsheet exports
	}
	for _, need := range []string{"id", "narrative", "offence", "occurred_at"} {
		if !slices.Contains(names, need) {
			return portal.Errorf(portal.EINVALID, "%s:1: header: no %s column (the header names the fields: %s)",
				r.name, need, strings.Join(names, ","))
		}
	}
	for {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var line int
		if row != nil {
			line, _ = cr.FieldPos(0)
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			r.records++
			r.reject(perr.StartLine, "record", "CSV: %v", perr.Err)
			continue
		}
		if err != nil {
			return fmt.Errorf("importer: read %s: %w", r.name, err)
		}
		if len(row) != len(names) {
			r.records++
			r.reject(line, "record", "%d cells, but the header has %d", len(row), len(names))
			continue
		}
		fields := make(map[string]any, len(row))
		bad := false
		for i, cell := range row {
			if !utf8.ValidString(cell) {
				r.records++
				r.reject(line, names[i], "invalid UTF-8")
				bad = true
				break
			}
			fields[names[i]] = cell
		}
		if bad {
			continue
		}
		if err := r.take(line, record{fields: fields, fromCSV: true}); err != nil {
			return err
		}
	}
}

func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}
