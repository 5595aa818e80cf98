package importer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/investigation-portal/portal/internal/importer"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
	"github.com/investigation-portal/portal/internal/store/storetest"
)

const good = `{"id":"R1","narrative":"IP was followed from the bus stop.","offence":"stalking","occurred_at":"2024-03-01T22:15:00Z"}`

func run(t *testing.T, st *store.Store, input string, f importer.Format) (importer.Summary, []string, error) {
	t.Helper()
	var lines []string
	im := &importer.Importer{Writer: st, BatchSize: 2, OnError: func(e importer.RecordError) { lines = append(lines, e.String()) }}
	sum, err := im.Import(context.Background(), strings.NewReader(input), "in.ndjson", f)
	return sum, lines, err
}

func TestNDJSONRejectsBadRecordsAndKeepsTheRest(t *testing.T) {
	st := storetest.SQLite(t)
	input := strings.Join([]string{
		good,
		`{"id":"R2","narrative":"Exposure on the bus.","offence":"indecent_exposure","occurred_at":"2024-03-02T10:00:00Z","lat":51.5,"lon":-0.1,"victim_age":30,"restricted":true,"unit":"SOIT-South","officer":"PC 7"}`,
		`{"id":"R3","narrative":"truncated`,                                                    // a line cut short
		`{"id":"R4","narrative":42,"offence":"stalking","occurred_at":"2024-03-01T22:15:00Z"}`, // wrong type
		`{"id":"R5","offence":"stalking","occurred_at":"2024-03-01T22:15:00Z"}`,                // missing field
		`{"id":"R6","narrative":"x","offence":"burglary","occurred_at":"2024-03-01T22:15:00Z"}`,
		`{"id":"R7","narrative":"x","offence":"stalking","occurred_at":"1 March"}`,
		`{"id":"R8","narrative":"x","offence":"stalking","occurred_at":"2024-03-01T22:15:00Z","occurred_to":"2024-02-01T00:00:00Z"}`,
		`{"id":"R9","narrative":"x","offence":"stalking","occurred_at":"2024-03-01T22:15:00Z","lat":51.5}`,
		`{"id":"R10","narrative":"x","offence":"stalking","occurred_at":"2024-03-01T22:15:00Z","victim_age":130}`,
		`{"id":"bad id!","narrative":"x","offence":"stalking","occurred_at":"2024-03-01T22:15:00Z"}`,
		strings.Replace(good, `"R1"`, `"R11"`, 1),
		"",
		strings.Replace(good, `bus stop`, "bus \xff stop", 1), // invalid UTF-8
		good, // duplicate id in the same file
		`[1,2]`,
		`{"id":"R12","narrative":"x","offence":"stalking","occurred_at":"2024-03-01T22:15:00Z","restricted":"yes"}`,
	}, "\n")
	sum, lines, err := run(t, st, input, importer.NDJSON)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`in.ndjson:3: record: invalid JSON: the record ends early (truncated line?)`,
		`in.ndjson:4: narrative: must be a string, not a number`,
		`in.ndjson:5: narrative: missing (required)`,
		`in.ndjson:6: offence: unknown offence "burglary" (known: sexual_assault, rape, indecent_exposure, voyeurism, stalking, harassment, attempted_kidnap, robbery, other)`,
		`in.ndjson:7: occurred_at: "1 March" is not an RFC 3339 time (e.g. 2024-03-01T22:15:00Z)`,
		`in.ndjson:8: occurred_to: before occurred_at`,
		`in.ndjson:9: lon: missing: lat and lon go together`,
		`in.ndjson:10: victim_age: 130 is not a whole number from 0 to 120`,
		`in.ndjson:11: id: "bad id!" has a character outside A-Z a-z 0-9 . _ / -`,
		`in.ndjson:14: record: invalid UTF-8 at byte 53`,
		`in.ndjson:15: id: R1 appears again (first on line 1); the first one is kept`,
		`in.ndjson:16: record: not a JSON object`,
		`in.ndjson:17: restricted: must be true or false, not "yes"`,
	}
	if d := cmp.Diff(want, lines); d != "" {
		t.Fatalf("rejections (-want +got):\n%s", d)
	}
	if sum.Imported != 3 || sum.Rejected != len(want) || !cmp.Equal(sum.UnknownFields, []string{"officer"}) {
		t.Fatalf("summary: %+v", sum)
	}
	r2, err := st.Report(context.Background(), "R2")
	if err != nil || !r2.Restricted || *r2.VictimAge != 30 || string(r2.Extra) != `{"officer":"PC 7"}` {
		t.Fatalf("R2 stored as %+v, %v", r2, err)
	}
}

func TestReimportIsIdempotentAndUpdates(t *testing.T) {
	st := storetest.SQLite(t)
	if sum, _, _ := run(t, st, good, importer.NDJSON); sum.Imported != 1 {
		t.Fatalf("first: %+v", sum)
	}
	if sum, _, _ := run(t, st, good, importer.NDJSON); sum.Unchanged != 1 || sum.Imported+sum.Updated != 0 {
		t.Fatalf("identical re-import: %+v", sum)
	}
	changed := strings.Replace(good, "bus stop", "tube station", 1)
	if sum, _, _ := run(t, st, changed, importer.NDJSON); sum.Updated != 1 {
		t.Fatalf("changed re-import: %+v", sum)
	}
	r, _ := st.Report(context.Background(), "R1")
	if r.Version != 2 || !strings.Contains(r.Narrative, "tube station") {
		t.Fatalf("after update: %+v", r)
	}
}

func TestHugeNarrativeIsRejectedNotFatal(t *testing.T) {
	st := storetest.SQLite(t)
	big := strings.Repeat("a", 10<<20)
	input := fmt.Sprintf(`{"id":"BIG","narrative":"%s","offence":"stalking","occurred_at":"2024-03-01T22:15:00Z"}`, big) + "\n" + good
	sum, lines, err := run(t, st, input, importer.NDJSON)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Imported != 1 || len(lines) != 1 || lines[0] != "in.ndjson:1: narrative: 10485760 characters, more than the limit of 100000" {
		t.Fatalf("sum %+v lines %q", sum, lines)
	}
	// A line beyond the reader's limit is skipped whole, and the next one read.
	huge := `{"id":"HUGE","narrative":"` + strings.Repeat("b", importer.MaxLine) + `"}` + "\n" + strings.Replace(good, "R1", "R2", 1)
	sum, lines, err = run(t, st, huge, importer.NDJSON)
	if err != nil || sum.Imported != 1 || len(lines) != 1 || !strings.HasPrefix(lines[0], "in.ndjson:1: record: line longer than") {
		t.Fatalf("sum %+v lines %q err %v", sum, lines, err)
	}
}

func TestCSV(t *testing.T) {
	st := storetest.SQLite(t)
	input := "\ufeffid,narrative,offence,occurred_at,lat,lon,victim_age,restricted,officer\n" +
		"C1,\"He said \"\"smile\"\"\nthen ran off, towards the station\",harassment,2024-01-01T20:00:00Z,51.5,-0.12,19,false,PC 1\n" +
		"C2,Short one,voyeurism,2024-01-02T20:00:00Z,,,,,\n" +
		"C3,Bad age,voyeurism,2024-01-02T20:00:00Z,,,old,,\n" +
		"C4,too,few\n" +
		"C5,\"unterminated,voyeurism,2024-01-02T20:00:00Z,,,,,\n"
	sum, lines, err := run(t, st, input, importer.CSV)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`in.ndjson:5: victim_age: "old" is not a number`,
		`in.ndjson:6: record: 3 cells, but the header has 9`,
		`in.ndjson:7: record: CSV: extraneous or missing " in quoted-field`,
	}
	if d := cmp.Diff(want, lines); d != "" {
		t.Fatalf("rejections (-want +got):\n%s", d)
	}
	if sum.Imported != 2 {
		t.Fatalf("summary %+v", sum)
	}
	c1, err := st.Report(context.Background(), "C1")
	if err != nil || c1.Narrative != "He said \"smile\"\nthen ran off, towards the station" || *c1.Lat != 51.5 || *c1.VictimAge != 19 {
		t.Fatalf("C1: %+v %v", c1, err)
	}
	if string(c1.Extra) != `{"officer":"PC 1"}` {
		t.Fatalf("C1 extra: %s", c1.Extra)
	}
}

func TestCSVWithoutRequiredColumnIsFatal(t *testing.T) {
	st := storetest.SQLite(t)
	_, _, err := run(t, st, "id,story\nX,y\n", importer.CSV)
	if portal.ErrorCode(err) != portal.EINVALID || !strings.Contains(err.Error(), "no narrative column") {
		t.Fatalf("err = %v", err)
	}
}

func TestJSONArray(t *testing.T) {
	st := storetest.SQLite(t)
	input := "[" + good + ",\n" + strings.Replace(good, "R1", "R2", 1) + ", 7]"
	sum, lines, err := run(t, st, input, importer.NDJSON)
	if err != nil || sum.Imported != 2 || len(lines) != 1 || lines[0] != "in.ndjson:3: record: not a JSON object" {
		t.Fatalf("sum %+v lines %q err %v", sum, lines, err)
	}
}

// failingWriter fails its second batch, as a full disk would.
type failingWriter struct {
	st    *store.Store
	calls int
}

func (w *failingWriter) UpsertReports(ctx context.Context, r []portal.Report) ([]store.UpsertResult, error) {
	w.calls++
	if w.calls == 2 {
		return nil, errors.New("disk full")
	}
	return w.st.UpsertReports(ctx, r)
}

func TestStoreFailureStopsAndSaysWhatWasStored(t *testing.T) {
	st := storetest.SQLite(t)
	var input []string
	for i := range 5 {
		input = append(input, strings.Replace(good, `"R1"`, fmt.Sprintf(`"R%d"`, i), 1))
	}
	im := &importer.Importer{Writer: &failingWriter{st: st}, BatchSize: 2}
	sum, err := im.Import(context.Background(), strings.NewReader(strings.Join(input, "\n")), "f", importer.NDJSON)
	if err == nil || !strings.Contains(err.Error(), "after 2 stored") || sum.Imported != 2 {
		t.Fatalf("sum %+v err %v", sum, err)
	}
	if n, _ := st.CountReports(context.Background()); n != 2 {
		t.Fatalf("store has %d", n)
	}
}
