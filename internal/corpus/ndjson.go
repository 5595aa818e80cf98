package corpus

import (
	"bufio"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/investigation-portal/portal/internal/portal"
)

// WriteNDJSON streams the corpus in the contract's import format (§1), one
// report a line. It holds one report at a time, so a million reports cost
// no more memory than ten.
func WriteNDJSON(w io.Writer, opt Options) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var b []byte
	err := Generate(opt, func(r portal.Report, _ string) error {
		b = appendReport(b[:0], &r)
		_, err := bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// WriteTruthNDJSON streams the ground truth: {"id":..., "series":"S001"}
// for each series member, in output order.
func WriteTruthNDJSON(w io.Writer, opt Options) error {
	pl, err := newPlan(opt)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var b []byte
	err = pl.run(func(r portal.Report, label string) error {
		if label == "" {
			return nil
		}
		b = append(b[:0], `{"id":`...)
		b = appendString(b, r.ID)
		b = append(b, `,"series":`...)
		b = appendString(b, label)
		b = append(b, "}\n"...)
		_, err := bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// appendReport encodes the contract fields of r as one JSON line, in the
// field order of portal.Report; encoding/json would give the same object
// at several times the cost.
func appendReport(b []byte, r *portal.Report) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, r.ID)
	b = append(b, `,"narrative":`...)
	b = appendString(b, r.Narrative)
	b = append(b, `,"offence":`...)
	b = appendString(b, r.Offence)
	b = append(b, `,"occurred_at":"`...)
	b = r.OccurredAt.AppendFormat(b, time.RFC3339)
	b = append(b, '"')
	if r.OccurredTo != nil {
		b = append(b, `,"occurred_to":"`...)
		b = r.OccurredTo.AppendFormat(b, time.RFC3339)
		b = append(b, '"')
	}
	if r.ReportedAt != nil {
		b = append(b, `,"reported_at":"`...)
		b = r.ReportedAt.AppendFormat(b, time.RFC3339)
		b = append(b, '"')
	}
	if r.Borough != "" {
		b = append(b, `,"borough":`...)
		b = appendString(b, r.Borough)
	}
	if r.LocationType != "" {
		b = append(b, `,"location_type":`...)
		b = appendString(b, r.LocationType)
	}
	if r.Lat != nil && r.Lon != nil {
		b = append(b, `,"lat":`...)
		b = strconv.AppendFloat(b, *r.Lat, 'f', -1, 64)
		b = append(b, `,"lon":`...)
		b = strconv.AppendFloat(b, *r.Lon, 'f', -1, 64)
	}
	if r.SuspectDescription != "" {
		b = append(b, `,"suspect_description":`...)
		b = appendString(b, r.SuspectDescription)
	}
	if r.VictimAge != nil {
		b = append(b, `,"victim_age":`...)
		b = strconv.AppendInt(b, int64(*r.VictimAge), 10)
	}
	if r.Unit != "" {
		b = append(b, `,"unit":`...)
		b = appendString(b, r.Unit)
	}
	if r.Restricted {
		b = append(b, `,"restricted":true`...)
	}
	return append(b, "}\n"...)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			if _, size := utf8.DecodeRuneInString(s[i:]); size > 0 {
				i += size
				continue
			}
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\t':
			b = append(b, '\\', 't')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
