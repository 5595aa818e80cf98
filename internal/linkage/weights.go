package linkage

import (
	"bytes"
	"fmt"
	"os"
	"sort"

	"go.yaml.in/yaml/v3"
)

// The pair signals the score combines. Each is a number computed from two
// profiles; the score is the logistic of their weighted sum, and each
// weighted signal (or, for shared features, each feature) is one reason.
const (
	sigText         = "text"           // cosine of IDF-weighted words and word pairs
	sigBehaviour    = "behaviour"      // shared behaviours, IDF-weighted, summed
	sigLooks        = "looks"          // shared physical description
	sigMarks        = "marks"          // shared distinguishing marks, voice, manner
	sigClothing     = "clothing"       // shared clothing and items
	sigVehicle      = "vehicle"        // shared vehicle make and colour
	sigLooksClash   = "looks_conflict" // description groups that disagree (count)
	sigNear         = "near"           // exp(-km/geo_km)
	sigFar          = "far"            // min(km, 30)/30
	sigSoon         = "soon"           // exp(-days/days)
	sigLate         = "late"           // min(days, 730)/730
	sigHour         = "hour"           // exp(-hour difference/hours)
	sigLocType      = "same_location_type"
	sigOffence      = "same_offence"
	sigBorough      = "same_borough"
	sigHeightDiff   = "height_difference" // inches beyond 2, /6, at most 1
	sigAgeGap       = "age_gap"           // years between stated ranges /10, at most 1
	sigVRM          = "registration_match"
	sigVRMClash     = "registration_conflict"
	sigNoLoc        = "location_unknown"
	sigFeatureCount = "feature_total" // log of both reports' feature counts: long narratives share more by chance
)

// Signals lists the pair signals in a fixed order.
var Signals = []string{sigText, sigBehaviour, sigLooks, sigMarks, sigClothing, sigVehicle, sigLooksClash,
	sigNear, sigFar, sigSoon, sigLate, sigHour, sigLocType, sigOffence, sigBorough, sigHeightDiff,
	sigAgeGap, sigVRM, sigVRMClash, sigNoLoc, sigFeatureCount}

// Weights are the tuned parameters of the score and of clustering
// (configs/linkage_weights.yaml, written by `portal eval --tune`).
type Weights struct {
	Comment string             `yaml:"-"`
	Bias    float64            `yaml:"bias"`
	Weights map[string]float64 `yaml:"weights"`
	Scales  struct {
		GeoKm float64 `yaml:"geo_km"`
		Days  float64 `yaml:"days"`
		Hours float64 `yaml:"hours"`
	} `yaml:"scales"`
	Cluster struct {
		Edge float64 `yaml:"edge"` // a candidate pair joins the graph at this probability
		Link float64 `yaml:"link"` // two groups merge when their mean pair probability reaches this
		Max  int     `yaml:"max_size"`
	} `yaml:"cluster"`
	Candidates candidateWeights `yaml:"candidates"`
	Tuned      string           `yaml:"tuned,omitempty"` // how and on what the weights were tuned

	w []float64 // Weights in Signals order
}

// LoadWeights reads a weights file; an empty path means
// configs/linkage_weights.yaml when present, else the built-in copy.
func LoadWeights(path string) (*Weights, error) {
	data, err := readConfig(path, "linkage_weights.yaml")
	if err != nil {
		return nil, err
	}
	var w Weights
	if err := yaml.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("linkage: weights: %w", err)
	}
	for k := range w.Weights {
		if !contains(Signals, k) {
			return nil, fmt.Errorf("linkage: weights: unknown signal %q", k)
		}
	}
	w.defaults()
	return &w, nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func (w *Weights) defaults() {
	if w.Weights == nil {
		w.Weights = map[string]float64{}
	}
	if w.Scales.GeoKm == 0 {
		w.Scales.GeoKm = 2
	}
	if w.Scales.Days == 0 {
		w.Scales.Days = 90
	}
	if w.Scales.Hours == 0 {
		w.Scales.Hours = 2
	}
	if w.Cluster.Edge == 0 {
		w.Cluster.Edge = 0.5
	}
	if w.Cluster.Link == 0 {
		w.Cluster.Link = 0.4
	}
	if w.Cluster.Max == 0 {
		w.Cluster.Max = 40
	}
	if w.Candidates.Terms == 0 {
		w.Candidates.Terms = 24
	}
	if w.Candidates.RadiusKm == 0 {
		w.Candidates.RadiusKm = 5
	}
	if w.Candidates.WindowDays == 0 {
		w.Candidates.WindowDays = 270
	}
	if w.Candidates.PerReport == 0 || w.Candidates.PerReport > 100 {
		w.Candidates.PerReport = 100
	}
	w.sync()
}

// sync copies the named weights into the ordered vector.
func (w *Weights) sync() {
	w.w = make([]float64, len(Signals))
	for i, s := range Signals {
		w.w[i] = w.Weights[s]
	}
}

// setVector sets the named weights from a vector in Signals order.
func (w *Weights) setVector(v []float64, bias float64) {
	w.Bias = bias
	w.Weights = map[string]float64{}
	for i, s := range Signals {
		w.Weights[s] = round(v[i], 4)
	}
	w.sync()
}

// Save writes the weights as YAML with a header saying how they were made.
func (w *Weights) Save(path string) error {
	var buf bytes.Buffer
	buf.WriteString("# Weights of the pairwise linkage score and of series clustering.\n")
	buf.WriteString("# Written by `portal eval --tune` (make tune): logistic regression on candidate\n")
	buf.WriteString("# pairs of a labelled corpus, then a grid search of the clustering thresholds.\n")
	buf.WriteString("# Do not edit by hand unless you re-run `portal eval` to check the effect.\n")
	names := make([]string, 0, len(w.Weights))
	for k := range w.Weights {
		names = append(names, k)
	}
	sort.Strings(names)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(w); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func round(x float64, d int) float64 {
	p := 1.0
	for range d {
		p *= 10
	}
	if x < 0 {
		return -float64(int64(-x*p+0.5)) / p
	}
	return float64(int64(x*p+0.5)) / p
}

// candidateWeights shape the more-like-this query that proposes candidates.
type candidateWeights struct {
	Terms      int     `yaml:"terms"`       // distinctive terms in the query
	RadiusKm   float64 `yaml:"radius_km"`   // geo window
	WindowDays int     `yaml:"window_days"` // time window
	GeoBoost   float64 `yaml:"geo_boost"`   // weight of being inside the geo window
	TimeBoost  float64 `yaml:"time_boost"`  // weight of being inside the time window
	BothBoost  float64 `yaml:"both_boost"`  // weight of being inside both windows at once
	PerReport  int     `yaml:"per_report"`  // candidates scored per report, at most 100
	// Source is where candidates come from: "blocking" (the engine's
	// in-memory lists, blocking.go; the default) or "index" (a Bleve
	// more-like-this query, kept to compare against).
	Source       string  `yaml:"source,omitempty"`
	BlockTerms   int     `yaml:"block_terms,omitempty"`    // distinctive terms looked up per report
	MaxDFShare   float64 `yaml:"max_df_share,omitempty"`   // terms in more than this share of reports are skipped
	MaxFeatShare float64 `yaml:"max_feat_share,omitempty"` // features in more than this share of reports are skipped
	TouchShare   float64 `yaml:"touch_share,omitempty"`    // terms and features in more than this share only add to reports others reached
}

func (c candidateWeights) touchShare() float64 {
	if c.TouchShare <= 0 {
		return 0.02
	}
	return c.TouchShare
}

func (c candidateWeights) blockTerms() int {
	if c.BlockTerms <= 0 {
		return 60
	}
	return c.BlockTerms
}

func (c candidateWeights) maxDFShare() float64 {
	if c.MaxDFShare <= 0 {
		return 0.1
	}
	return c.MaxDFShare
}

func (c candidateWeights) maxFeatShare() float64 {
	if c.MaxFeatShare <= 0 {
		return 0.2
	}
	return c.MaxFeatShare
}
