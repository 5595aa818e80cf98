package portal

import "time"

// SeriesStatus is where a series stands in the approval workflow:
// proposed (by linkage) or draft (by a person) → submitted → approved | rejected.
type SeriesStatus string

const (
	SeriesProposed  SeriesStatus = "proposed"
	SeriesDraft     SeriesStatus = "draft"
	SeriesSubmitted SeriesStatus = "submitted"
	SeriesApproved  SeriesStatus = "approved"
	SeriesRejected  SeriesStatus = "rejected"
)

// Series is a set of reports believed to be the work of one offender.
type Series struct {
	ID        int64        `json:"id"`
	Title     string       `json:"title"`
	Rationale string       `json:"rationale"`
	Status    SeriesStatus `json:"status"`
	ReportIDs []string     `json:"reports"`
	Score     float64      `json:"score,omitempty"`
	Evidence  []Reason     `json:"evidence,omitempty"`
	CreatedBy string       `json:"created_by"`
	// ChangedBy lists every user who created or changed the series: none of
	// them may approve or reject it.
	ChangedBy []string  `json:"changed_by"`
	DecidedBy string    `json:"decided_by,omitempty"`
	Decision  string    `json:"decision_reason,omitempty"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Reason is one contribution to a similarity score, in words (contract §2).
type Reason struct {
	Kind   string  `json:"kind"`
	Detail string  `json:"detail"`
	Weight float64 `json:"weight"`
}
