package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
	"github.com/investigation-portal/portal/internal/store/storetest"
)

func TestSeriesStorage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		se, err := st.CreateSeries(ctx, portal.Series{Title: "minicab", Status: portal.SeriesProposed,
			ReportIDs: []string{"B", "A"}, Score: 0.8, Evidence: []portal.Reason{{Kind: "mo:approach", Detail: "both: posed as a minicab driver", Weight: 1.2}},
			CreatedBy: "linkage"})
		if err != nil {
			t.Fatal(err)
		}
		if se.ID == 0 || se.Version != 1 || len(se.ChangedBy) != 1 {
			t.Fatalf("created %+v", se)
		}
		got, err := st.Series(ctx, se.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.ReportIDs) != 2 || got.ReportIDs[0] != "B" || got.Evidence[0].Detail != "both: posed as a minicab driver" || got.Status != portal.SeriesProposed {
			t.Fatalf("read back %+v", got)
		}
		got.ReportIDs = []string{"B"}
		got.Status = portal.SeriesDraft
		up, err := st.UpdateSeries(ctx, got, "ivy")
		if err != nil {
			t.Fatal(err)
		}
		if up.Version != 2 || len(up.ChangedBy) != 2 {
			t.Fatalf("updated %+v", up)
		}
		// A change made on the old version is refused.
		if _, err := st.UpdateSeries(ctx, got, "sam"); portal.ErrorCode(err) != portal.ECONFLICT {
			t.Fatalf("stale update: %v", err)
		}
		if _, err := st.Series(ctx, 999); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Fatalf("missing series: %v", err)
		}
		if err := st.FlagSeriesReport(ctx, se.ID, "C"); err != nil {
			t.Fatal(err)
		}
		fl, err := st.FlaggedReports(ctx, se.ID)
		if err != nil || len(fl) != 1 || fl[0] != "C" {
			t.Fatalf("flagged %v %v", fl, err)
		}
		// A flagged report is a suggestion, not a member.
		list, err := st.ListSeries(ctx, portal.SeriesDraft)
		if err != nil || len(list) != 1 || len(list[0].ReportIDs) != 1 {
			t.Fatalf("list %+v %v", list, err)
		}
	})
}

func TestSeriesHistoryAndFlags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		se, err := st.CreateSeries(ctx, portal.Series{Title: "bus stop", ReportIDs: []string{"A", "B"}, CreatedBy: "ivy"})
		if err != nil {
			t.Fatal(err)
		}
		if se.Status != portal.SeriesDraft {
			t.Fatalf("status %q, want draft by default", se.Status)
		}
		if err := st.FlagSeriesReport(ctx, se.ID, "C"); err != nil {
			t.Fatal(err)
		}
		if err := st.FlagSeriesReport(ctx, se.ID, "D"); err != nil {
			t.Fatal(err)
		}
		// A change to the members keeps the flags it does not touch, and
		// confirms a flagged report it takes in.
		se.ReportIDs = []string{"A", "C"}
		se, err = st.ChangeSeries(ctx, se, "olly", store.SeriesEvent{Actor: "olly", Action: "change", Detail: "pruned"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.Series(ctx, se.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got.ReportIDs) != "[A C]" || got.Version != 2 || fmt.Sprint(got.ChangedBy) != "[ivy olly]" {
			t.Fatalf("after change: %+v", got)
		}
		if fl, err := st.FlaggedReports(ctx, se.ID); err != nil || fmt.Sprint(fl) != "[D]" {
			t.Fatalf("flagged after change: %v %v", fl, err)
		}
		// A decision by someone who is not a changer leaves ChangedBy alone.
		got.Status, got.DecidedBy, got.Decision = portal.SeriesRejected, "sam", "not enough"
		if got, err = st.ChangeSeries(ctx, got, "", store.SeriesEvent{Actor: "sam", Action: "reject", Detail: "not enough"}); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got.ChangedBy) != "[ivy olly]" || got.Version != 3 {
			t.Fatalf("after decision: %+v", got)
		}
		if err := st.DismissFlagged(ctx, se.ID, "D", store.SeriesEvent{Actor: "ivy"}); err != nil {
			t.Fatal(err)
		}
		if err := st.DismissFlagged(ctx, se.ID, "D", store.SeriesEvent{Actor: "ivy"}); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Fatalf("dismissing twice: %v", err)
		}
		if err := st.DismissFlagged(ctx, se.ID, "A", store.SeriesEvent{Actor: "ivy"}); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Fatalf("dismissing a member: %v", err)
		}
		if fl, _ := st.FlaggedReports(ctx, se.ID); len(fl) != 0 {
			t.Fatalf("flagged after dismissal: %v", fl)
		}
		// A stale change writes no history.
		stale := se
		stale.Title = "stale"
		if _, err := st.ChangeSeries(ctx, stale, "ivy", store.SeriesEvent{Actor: "ivy"}); portal.ErrorCode(err) != portal.ECONFLICT {
			t.Fatalf("stale change: %v", err)
		}
		h, err := st.SeriesHistory(ctx, se.ID)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, ev := range h {
			lines = append(lines, fmt.Sprintf("%s %s %s v%d +%v -%v %s", ev.Actor, ev.Action, ev.Status, ev.Version, ev.Added, ev.Removed, ev.Detail))
			if ev.At.IsZero() {
				t.Errorf("event without a time: %+v", ev)
			}
		}
		want := []string{
			"ivy create draft v1 +[A B] -[] ",
			"olly change draft v2 +[C] -[B] pruned",
			"sam reject rejected v3 +[] -[] not enough",
			"ivy dismiss rejected v3 +[] -[D] ",
		}
		if strings.Join(lines, "\n") != strings.Join(want, "\n") {
			t.Fatalf("history:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
		if h, err := st.SeriesHistory(ctx, 999); err != nil || len(h) != 0 {
			t.Fatalf("history of a missing series: %v %v", h, err)
		}
	})
}
