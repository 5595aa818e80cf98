package importer

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/investigation-portal/portal/internal/portal"
)

// knownFields are the contract's report fields (contract §1); any other
// field is kept in Report.Extra.
var knownFields = map[string]bool{
	"id": true, "narrative": true, "offence": true, "occurred_at": true, "occurred_to": true,
	"reported_at": true, "borough": true, "location_type": true, "lat": true, "lon": true,
	"suspect_description": true, "victim_age": true, "unit": true, "restricted": true,
}

// problem is one thing wrong with one field of a record.
type problem struct{ field, text string }

// record is one input record before validation: JSON values as decoded with
// UseNumber, or CSV cells as strings (which then coerce to numbers/booleans).
type record struct {
	fields  map[string]any
	fromCSV bool
}

// validator turns records into reports, following contract §1.
type validator struct {
	offences map[string]bool
	offList  string
}

func newValidator(offences []string) *validator {
	if len(offences) == 0 {
		offences = portal.DefaultOffences
	}
	v := &validator{offences: make(map[string]bool, len(offences))}
	for _, o := range offences {
		v.offences[o] = true
	}
	v.offList = strings.Join(offences, ", ")
	return v
}

// report validates rec. It returns every problem found, so one message can
// tell the user all that is wrong with the record at once.
func (v *validator) report(rec record) (portal.Report, []string, []problem) {
	var (
		r       portal.Report
		probs   []problem
		unknown []string
	)
	bad := func(field, format string, args ...any) {
		probs = append(probs, problem{field, fmt.Sprintf(format, args...)})
	}
	str := func(name string, required bool) (string, bool) {
		val, ok := rec.fields[name]
		if !ok || val == nil || (rec.fromCSV && val == "") {
			if required {
				bad(name, "missing (required)")
			}
			return "", false
		}
		s, ok := val.(string)
		if !ok {
			bad(name, "must be a string, not %s", jsonType(val))
			return "", false
		}
		if !utf8.ValidString(s) {
			bad(name, "invalid UTF-8")
			return "", false
		}
		return s, true
	}
	when := func(name string, required bool) *time.Time {
		s, ok := str(name, required)
		if !ok {
			return nil
		}
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
		if err != nil {
			bad(name, "%q is not an RFC 3339 time (e.g. 2024-03-01T22:15:00Z)", clip(s))
			return nil
		}
		return &t
	}
	number := func(name string) (float64, bool) {
		val, ok := rec.fields[name]
		if !ok || val == nil || (rec.fromCSV && val == "") {
			return 0, false
		}
		var s string
		switch x := val.(type) {
		case json.Number:
			s = x.String()
		case string:
			if !rec.fromCSV {
				bad(name, "must be a number, not a string")
				return 0, false
			}
			s = strings.TrimSpace(x)
		default:
			bad(name, "must be a number, not %s", jsonType(val))
			return 0, false
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			bad(name, "%q is not a number", clip(s))
			return 0, false
		}
		return f, true
	}

	if id, ok := str("id", true); ok {
		if msg := checkID(id); msg != "" {
			bad("id", "%s", msg)
		}
		r.ID = id
	}
	if n, ok := str("narrative", true); ok {
		if c := utf8.RuneCountInString(n); c > portal.MaxNarrativeLength {
			bad("narrative", "%d characters, more than the limit of %d", c, portal.MaxNarrativeLength)
		} else if strings.TrimSpace(n) == "" {
			bad("narrative", "empty")
		}
		r.Narrative = n
	}
	if o, ok := str("offence", true); ok {
		if !v.offences[o] {
			bad("offence", "unknown offence %q (known: %s)", clip(o), v.offList)
		}
		r.Offence = o
	}
	if t := when("occurred_at", true); t != nil {
		r.OccurredAt = *t
	}
	r.OccurredTo = when("occurred_to", false)
	if r.OccurredTo != nil && !r.OccurredAt.IsZero() && r.OccurredTo.Before(r.OccurredAt) {
		bad("occurred_to", "before occurred_at")
	}
	r.ReportedAt = when("reported_at", false)
	r.Borough, _ = str("borough", false)
	r.LocationType, _ = str("location_type", false)
	r.SuspectDescription, _ = str("suspect_description", false)
	r.Unit, _ = str("unit", false)

	lat, hasLat := number("lat")
	lon, hasLon := number("lon")
	switch {
	case hasLat != hasLon:
		missing := "lon"
		if !hasLat {
			missing = "lat"
		}
		bad(missing, "missing: lat and lon go together")
	case hasLat:
		if lat < -90 || lat > 90 {
			bad("lat", "%v is outside -90..90", lat)
		}
		if lon < -180 || lon > 180 {
			bad("lon", "%v is outside -180..180", lon)
		}
		r.Lat, r.Lon = &lat, &lon
	}
	if age, ok := number("victim_age"); ok {
		if age != math.Trunc(age) || age < 0 || age > 120 {
			bad("victim_age", "%v is not a whole number from 0 to 120", age)
		} else {
			a := int(age)
			r.VictimAge = &a
		}
	}
	if val, ok := rec.fields["restricted"]; ok && val != nil && !(rec.fromCSV && val == "") {
		switch x := val.(type) {
		case bool:
			r.Restricted = x
		case string:
			b, err := strconv.ParseBool(strings.TrimSpace(strings.ToLower(x)))
			if !rec.fromCSV || err != nil {
				bad("restricted", "must be true or false, not %q", clip(x))
			}
			r.Restricted = b
		default:
			bad("restricted", "must be true or false, not %s", jsonType(val))
		}
	}

	extra := map[string]any{}
	for name, val := range rec.fields {
		if knownFields[name] {
			continue
		}
		if s, ok := val.(string); ok && !utf8.ValidString(s) {
			bad(name, "invalid UTF-8")
			continue
		}
		if rec.fromCSV && val == "" {
			continue
		}
		extra[name] = val
		unknown = append(unknown, name)
	}
	if len(extra) > 0 {
		b, err := json.Marshal(extra) // map keys marshal sorted: stable content hash
		if err != nil {
			bad("record", "extra fields: %v", err)
		}
		r.Extra = b
	}
	sort.Strings(unknown)
	return r, unknown, probs
}

func checkID(id string) string {
	if len(id) == 0 || len(id) > portal.MaxIDLength {
		return fmt.Sprintf("must be 1 to %d characters, not %d", portal.MaxIDLength, len(id))
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '_' || c == '/' || c == '-'
		if !ok {
			return fmt.Sprintf("%q has a character outside A-Z a-z 0-9 . _ / -", clip(id))
		}
	}
	return ""
}

func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// clip shortens a value quoted back in an error message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
