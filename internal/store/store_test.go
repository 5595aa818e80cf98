package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
	"github.com/investigation-portal/portal/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

func sample(id string) portal.Report {
	at := time.Date(2024, 3, 9, 23, 15, 0, 0, time.UTC)
	to := at.Add(30 * time.Minute)
	return portal.Report{
		ID: id, Narrative: "IP was walking home when a male approached from behind.", Offence: "sexual_assault",
		OccurredAt: at, OccurredTo: &to, Borough: "Lambeth", LocationType: "street",
		Lat: ptr(51.46), Lon: ptr(-0.11), SuspectDescription: "IC1 male, 30s, spider web tattoo on neck",
		VictimAge: ptr(24), Unit: "SOIT-South", Restricted: true, Extra: json.RawMessage(`{"officer":"PC 123"}`),
	}
}

func TestUpsertReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, b := sample("CRIS/2024/1"), sample("CRIS/2024/2")
		b.Lat, b.Lon, b.VictimAge, b.OccurredTo, b.Extra = nil, nil, nil, nil, nil
		res, err := st.UpsertReports(ctx, []portal.Report{a, b})
		if err != nil {
			t.Fatal(err)
		}
		want := []store.UpsertResult{{ID: a.ID, Outcome: store.Inserted, Version: 1}, {ID: b.ID, Outcome: store.Inserted, Version: 1}}
		if d := cmp.Diff(want, res); d != "" {
			t.Fatalf("first import (-want +got):\n%s", d)
		}

		got, err := st.Report(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		a.Version, a.CreatedAt, a.UpdatedAt = 1, got.CreatedAt, got.UpdatedAt
		if d := cmp.Diff(a, got); d != "" {
			t.Fatalf("round trip (-want +got):\n%s", d)
		}
		gotB, _ := st.Report(ctx, b.ID)
		if gotB.Lat != nil || gotB.VictimAge != nil || gotB.OccurredTo != nil || gotB.Extra != nil {
			t.Fatalf("absent optional fields came back: %+v", gotB)
		}

		// The same content again changes nothing: no new version, no outbox row.
		before, _ := st.LastChange(ctx)
		res, err = st.UpsertReports(ctx, []portal.Report{a})
		if err != nil || res[0].Outcome != store.Unchanged || res[0].Version != 1 {
			t.Fatalf("identical re-import: %+v, %v", res, err)
		}
		if after, _ := st.LastChange(ctx); after != before {
			t.Fatalf("identical re-import wrote the outbox: %d -> %d", before, after)
		}

		// A changed report gets a new version and an outbox row.
		a.Narrative += " He ran towards the station."
		res, err = st.UpsertReports(ctx, []portal.Report{a})
		if err != nil || res[0].Outcome != store.Updated || res[0].Version != 2 {
			t.Fatalf("update: %+v, %v", res, err)
		}
		changes, err := st.ChangesAfter(ctx, before, 10)
		if err != nil || len(changes) != 1 || changes[0].ReportID != a.ID || changes[0].Version != 2 {
			t.Fatalf("outbox after update: %+v, %v", changes, err)
		}
		if n, _ := st.CountReports(ctx); n != 2 {
			t.Fatalf("count = %d, want 2", n)
		}
		vs, err := st.ReportVersions(ctx)
		if err != nil || vs[a.ID] != 2 || vs[b.ID] != 1 {
			t.Fatalf("versions = %v, %v", vs, err)
		}
	})
}

func TestReportNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, err := st.Report(context.Background(), "nope")
		if portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Fatalf("err = %v, want not found", err)
		}
	})
}

// A batch that fails part way leaves nothing of itself behind: neither
// reports nor outbox rows.
func TestUpsertIsAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if st.Dialect() == "sqlite" {
			storetest.Exec(t, st, `CREATE TRIGGER boom BEFORE INSERT ON reports WHEN NEW.id = 'R2'
				BEGIN SELECT RAISE(ABORT, 'boom'); END`)
		} else {
			storetest.Exec(t, st, `CREATE FUNCTION boom() RETURNS trigger AS $$
				BEGIN IF NEW.id = 'R2' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`)
			storetest.Exec(t, st, `CREATE TRIGGER boom BEFORE INSERT ON reports FOR EACH ROW EXECUTE FUNCTION boom()`)
		}
		_, err := st.UpsertReports(ctx, []portal.Report{sample("R1"), sample("R2"), sample("R3")})
		if err == nil {
			t.Fatal("want the batch to fail")
		}
		if n, _ := st.CountReports(ctx); n != 0 {
			t.Fatalf("a failed batch left %d reports", n)
		}
		if seq, _ := st.LastChange(ctx); seq != 0 {
			t.Fatalf("a failed batch left outbox rows up to %d", seq)
		}
	})
}

func TestEachReportPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var batch []portal.Report
		for i := range 2503 {
			r := sample("R" + time.Duration(i).String())
			batch = append(batch, r)
		}
		if _, err := st.UpsertReports(ctx, batch); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		err := st.EachReport(ctx, func(r portal.Report) error {
			if seen[r.ID] {
				t.Fatalf("%s twice", r.ID)
			}
			seen[r.ID] = true
			return nil
		})
		if err != nil || len(seen) != 2503 {
			t.Fatalf("saw %d reports, err %v", len(seen), err)
		}
		got, err := st.Reports(ctx, []string{"R0s", "R1ns", "missing"})
		if err != nil || len(got) != 2 {
			t.Fatalf("Reports: %d, %v", len(got), err)
		}
	})
}

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u, err := st.CreateUser(ctx, portal.User{Username: "ivy", Role: portal.RoleInvestigator, Unit: "SOIT-South", PasswordHash: "h"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateUser(ctx, portal.User{Username: "ivy", Role: portal.RoleAdmin, PasswordHash: "h"}); portal.ErrorCode(err) != portal.ECONFLICT {
			t.Fatalf("duplicate user: %v", err)
		}
		if _, err := st.CreateUser(ctx, portal.User{Username: "bob", Role: "chief", PasswordHash: "h"}); portal.ErrorCode(err) != portal.EINVALID {
			t.Fatalf("bad role: %v", err)
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		u.FailedLogins, u.LastFailure, u.LockedUntil, u.NotBefore, u.Disabled = 3, now, now.Add(time.Hour), now, true
		if err := st.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		got, err := st.UserByName(ctx, "ivy")
		if err != nil {
			t.Fatal(err)
		}
		if got.FailedLogins != 3 || !got.LastFailure.Equal(now) || !got.LockedUntil.Equal(now.Add(time.Hour)) || !got.Disabled || got.Role != portal.RoleInvestigator {
			t.Fatalf("user round trip: %+v", got)
		}
		if _, err := st.UserByName(ctx, "nobody"); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Fatalf("missing user: %v", err)
		}
	})
}

func TestTOTPStepOnlyMovesForward(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u, err := st.CreateUser(ctx, portal.User{Username: "tess", Role: portal.RoleInvestigator, PasswordHash: "h"})
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := st.ClaimTOTPStep(ctx, u.ID, 100); !ok || err != nil {
			t.Fatalf("first claim: %v %v", ok, err)
		}
		if ok, _ := st.ClaimTOTPStep(ctx, u.ID, 100); ok {
			t.Fatal("the same step was claimed twice")
		}
		// A stale copy of the user written back does not rewind the step.
		u.TOTPLastStep = 50
		if err := st.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		got, _ := st.UserByName(ctx, "tess")
		if got.TOTPLastStep != 100 {
			t.Fatalf("step rewound to %d", got.TOTPLastStep)
		}
	})
}

func TestSavedSearches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clock := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
		st.SetClock(func() time.Time { return clock })
		ss, err := st.SaveSearch(ctx, store.SavedSearch{Username: "ivy", Name: "minicab", Params: "q=minicab"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.SaveSearch(ctx, store.SavedSearch{Username: "ivy", Name: "minicab", Params: "q=taxi"}); portal.ErrorCode(err) != portal.ECONFLICT {
			t.Fatalf("duplicate name: %v", err)
		}
		if _, err := st.SavedSearch(ctx, "olly", ss.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Fatalf("another user's saved search: %v", err)
		}
		clock = clock.Add(time.Hour)
		if err := st.MarkSearchViewed(ctx, "ivy", ss.ID); err != nil {
			t.Fatal(err)
		}
		list, err := st.SavedSearches(ctx, "ivy")
		if err != nil || len(list) != 1 || !list[0].LastViewedAt.Equal(clock) || list[0].Params != "q=minicab" {
			t.Fatalf("list: %+v %v", list, err)
		}
		if err := st.DeleteSavedSearch(ctx, "olly", ss.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Fatalf("delete another's: %v", err)
		}
		if err := st.DeleteSavedSearch(ctx, "ivy", ss.ID); err != nil {
			t.Fatal(err)
		}
	})
}
