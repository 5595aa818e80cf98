package linkage

import (
	"context"
	"testing"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store/storetest"
)

// Discovery runs in the background, one run at a time, and stores what it
// proposes; its state says when it started and how it ended.
func TestBackgroundDiscoveryOneAtATime(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	var reports []portal.Report
	for i, text := range []string{
		"He posed as a minicab driver outside the club, locked the doors and had a spider web tattoo on his neck.",
		"Male claimed to be an Uber driver, locked the car doors. Spiderweb tattoo on neck.",
		"Suspect pretended to be a cab driver; the doors were locked. Cobweb tattoo on his neck.",
	} {
		r := at(51.46+float64(i)*0.003, -0.11, "2024-03-01T23:00:00Z")
		r.OccurredAt = r.OccurredAt.AddDate(0, 0, i*10)
		r.ID, r.Narrative, r.Unit, r.Version = []string{"S0", "S1", "S2"}[i], text, "SOIT-South", 1
		reports = append(reports, r)
	}
	for _, r := range fillers(60) {
		r.Unit, r.Version = "SOIT-South", 1
		reports = append(reports, r)
	}
	if _, err := st.UpsertReports(ctx, reports); err != nil {
		t.Fatal(err)
	}
	svc := &Service{Engine: testEngine(t), Store: st}
	// Hold the engine's sync lock so that the first run cannot finish
	// before the second is asked for.
	svc.mu.Lock()
	run, started := svc.StartDiscover(0, "ivy", time.Minute)
	if !started || !run.Running || run.By != "ivy" || run.Started.IsZero() {
		svc.mu.Unlock()
		t.Fatalf("first run: %+v started=%v", run, started)
	}
	again, started := svc.StartDiscover(0, "sam", time.Minute)
	svc.mu.Unlock()
	if started || again.By != "ivy" {
		t.Fatalf("a second run started while one was going: %+v", again)
	}
	deadline := time.Now().Add(30 * time.Second)
	for svc.Discovery().Running && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	done := svc.Discovery()
	if done.Running || done.Err != "" || done.Finished.IsZero() || done.Series == 0 {
		t.Fatalf("run did not finish with series: %+v", done)
	}
	stored, err := st.ListSeries(ctx, portal.SeriesProposed)
	if err != nil || len(stored) != done.Series {
		t.Fatalf("stored %d proposed series (%v), run says %d", len(stored), err, done.Series)
	}
}
