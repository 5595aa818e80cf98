package store_test

import (
	"context"
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
		list, err := st.ListSeries(ctx, portal.SeriesDraft)
		if err != nil || len(list) != 1 || len(list[0].ReportIDs) != 2 {
			t.Fatalf("list %+v %v", list, err)
		}
	})
}
