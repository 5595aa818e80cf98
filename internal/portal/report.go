package portal

import (
	"encoding/json"
	"time"
)

// Report is one crime report as imported (contract §1). Optional fields are
// pointers or empty strings; Extra keeps any field the contract does not name.
type Report struct {
	ID                 string          `json:"id"`
	Narrative          string          `json:"narrative"`
	Offence            string          `json:"offence"`
	OccurredAt         time.Time       `json:"occurred_at"`
	OccurredTo         *time.Time      `json:"occurred_to,omitempty"`
	ReportedAt         *time.Time      `json:"reported_at,omitempty"`
	Borough            string          `json:"borough,omitempty"`
	LocationType       string          `json:"location_type,omitempty"`
	Lat                *float64        `json:"lat,omitempty"`
	Lon                *float64        `json:"lon,omitempty"`
	SuspectDescription string          `json:"suspect_description,omitempty"`
	VictimAge          *int            `json:"victim_age,omitempty"`
	Unit               string          `json:"unit,omitempty"`
	Restricted         bool            `json:"restricted,omitempty"`
	Extra              json.RawMessage `json:"extra,omitempty"` // a JSON object of unknown fields, or nil

	// Set by the store.
	Version   int64     `json:"version,omitempty"` // 1 on first import, +1 on every change
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// HasLocation reports whether both coordinates are present.
func (r *Report) HasLocation() bool { return r.Lat != nil && r.Lon != nil }

// DefaultOffences is the offence list used when the configuration names none.
var DefaultOffences = []string{
	"sexual_assault", "rape", "indecent_exposure", "voyeurism", "stalking",
	"harassment", "attempted_kidnap", "robbery", "other",
}

// Limits on report fields (contract §1).
const (
	MaxIDLength        = 64
	MaxNarrativeLength = 100_000
)
