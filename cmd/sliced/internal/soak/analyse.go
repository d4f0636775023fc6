package soak

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"
)

// Hist is a cumulative histogram as Prometheus exposes it: Counts[i]
// observations were at most Bounds[i] seconds; Count includes those above
// the last bound.
type Hist struct {
	Bounds []float64
	Counts []uint64
	Count  uint64
}

// Sub is the histogram of the observations made after earlier.
func (h Hist) Sub(earlier Hist) Hist {
	if !slices.Equal(h.Bounds, earlier.Bounds) {
		return h // the series was created in between: all of it is new
	}
	d := Hist{Bounds: h.Bounds, Counts: make([]uint64, len(h.Counts)), Count: h.Count - earlier.Count}
	for i := range h.Counts {
		d.Counts[i] = h.Counts[i] - earlier.Counts[i]
	}
	return d
}

// Quantile is the q-quantile in seconds, interpolated linearly inside its
// bucket like histogram_quantile; NaN without observations. One in the
// open top bucket is given the highest bound.
func (h Hist) Quantile(q float64) float64 {
	if h.Count == 0 || len(h.Bounds) == 0 {
		return math.NaN()
	}
	rank := q * float64(h.Count)
	i := sort.Search(len(h.Counts), func(i int) bool { return float64(h.Counts[i]) >= rank })
	if i == len(h.Counts) {
		return h.Bounds[len(h.Bounds)-1]
	}
	lo, below := 0.0, uint64(0)
	if i > 0 {
		lo, below = h.Bounds[i-1], h.Counts[i-1]
	}
	in := h.Counts[i] - below
	if in == 0 {
		return h.Bounds[i]
	}
	return lo + (h.Bounds[i]-lo)*(rank-float64(below))/float64(in)
}

// Sample is the daemon's state at one moment of the run; counts are since
// the start.
type Sample struct {
	At         time.Duration // since the load started
	RSS        int64         // bytes
	Goroutines int
	Frames     uint64            // sliced_pipeline_frames_total
	Dropped    uint64            // sliced_pipeline_dropped_frames_total
	Requests   uint64            // API requests answered 2xx
	Classified uint64            // of them, POST /v1/classify
	Errors     map[string]uint64 // by kind
	Stages     map[string]Hist   // by stage name
}

// ErrorCount is the sum of s.Errors.
func (s Sample) ErrorCount() uint64 {
	var n uint64
	for _, v := range s.Errors {
		n += v
	}
	return n
}

// Limits are what Analyse tolerates.
type Limits struct {
	Warmup time.Duration // samples before are not judged (the heap and caches fill)
	Window float64       // share of the judged span in the start and the end window
	// Memory may grow by RSSGrowth of the start window's median, or by
	// RSSSlack bytes where that is more: the Go heap breathes by a few MiB.
	RSSGrowth float64
	RSSSlack  int64
	// Goroutines likewise: connections and reloads come and go.
	GoroutineGrowth float64
	GoroutineSlack  int
	// A stage's p99 may grow by P99Drift of its start, or by P99Slack where
	// that is more: the default, 1.5, is one bucket of the histograms
	// (their bounds grow by 2.5 times), and a shared machine's scheduler
	// adds milliseconds for minutes at a time.
	P99Drift float64
	P99Slack time.Duration
	FPS      float64 // the frame rate asked for; under 90 % of it fails
	// The pipeline keeps the newest frame: one is dropped when a frame's
	// time passes without the pipeline getting a core, which on a machine
	// shared with other work happens now and then. More than this share of
	// the frames fails.
	DropRate float64
}

// DefaultLimits are the limits of `make soak`.
func DefaultLimits() Limits {
	return Limits{
		Warmup: time.Minute, Window: 0.2,
		RSSGrowth: 0.10, RSSSlack: 8 << 20,
		GoroutineGrowth: 0.10, GoroutineSlack: 5,
		P99Drift: 1.5, P99Slack: 2 * time.Millisecond,
		FPS: 30, DropRate: 1e-3,
	}
}

// Trend is one measure at the start and end of the judged span.
type Trend struct {
	First, Last float64 // the first judged sample and the last one
	Start, End  float64 // medians of the start and the end window
	Max         float64 // over the judged samples
	Allowed     float64 // End may not exceed this
	OK          bool
}

// StageTrend is one stage's p99 in seconds.
type StageTrend struct {
	Stage      string
	Start, End float64 // medians of the intervals' p99 in the start and the end window
	Worst      float64 // the highest p99 of any one interval
	Count      uint64  // observations in the judged span
	Allowed    float64
	OK         bool
}

// Verdict is the judgement of a run.
type Verdict struct {
	Judged     int // samples after the warm-up
	Window     int // intervals in each window
	From, To   time.Duration
	RSS        Trend // bytes
	Goroutines Trend
	Stages     []StageTrend
	FPS        float64 // over the judged span
	Dropped    uint64  // frames, over the whole run
	DropRate   float64 // of the frames, over the whole run
	Errors     map[string]uint64
	Failures   []string
}

// OK reports whether the run passed.
func (v Verdict) OK() bool { return len(v.Failures) == 0 }

// Analyse judges the samples against l.
func Analyse(samples []Sample, l Limits) Verdict {
	var v Verdict
	var judged []Sample
	for _, s := range samples {
		if s.At >= l.Warmup {
			judged = append(judged, s)
		}
	}
	if len(samples) > 0 {
		v.Errors = samples[len(samples)-1].Errors
		last := samples[len(samples)-1]
		if n := last.ErrorCount(); n > 0 {
			v.Failures = append(v.Failures, fmt.Sprintf("%d errors", n))
		}
		v.Dropped = last.Dropped
		if last.Frames+last.Dropped > 0 {
			v.DropRate = float64(last.Dropped) / float64(last.Frames+last.Dropped)
		}
		if v.DropRate > l.DropRate {
			v.Failures = append(v.Failures, fmt.Sprintf("%d frames dropped, %.3f %% (allowed %.3f %%)", v.Dropped, 100*v.DropRate, 100*l.DropRate))
		}
	}
	v.Judged = len(judged)
	if len(judged) < 2 {
		v.Failures = append(v.Failures, fmt.Sprintf("%d samples after the %v warm-up: too few to judge", len(judged), l.Warmup))
		return v
	}
	n := len(judged)
	k := max(1, int(math.Round(float64(n-1)*l.Window)))
	v.Window = k
	first, last := judged[0], judged[n-1]
	v.From, v.To = first.At, last.At
	startW, endW := judged[:k+1], judged[n-1-k:]

	v.RSS = trend(judged, startW, endW, func(s Sample) float64 { return float64(s.RSS) }, l.RSSGrowth, float64(l.RSSSlack))
	if !v.RSS.OK {
		v.Failures = append(v.Failures, fmt.Sprintf("RSS grew from %.1f MiB to %.1f MiB (allowed %.1f MiB)", v.RSS.Start/(1<<20), v.RSS.End/(1<<20), v.RSS.Allowed/(1<<20)))
	}
	v.Goroutines = trend(judged, startW, endW, func(s Sample) float64 { return float64(s.Goroutines) }, l.GoroutineGrowth, float64(l.GoroutineSlack))
	if !v.Goroutines.OK {
		v.Failures = append(v.Failures, fmt.Sprintf("goroutines grew from %.0f to %.0f (allowed %.0f)", v.Goroutines.Start, v.Goroutines.End, v.Goroutines.Allowed))
	}

	for _, name := range stageNames(last) {
		// Each interval's p99; a window's is their median, so that a burst
		// of other work on a shared machine moves an interval, not the
		// verdict, while a drift moves them all.
		q := make([]float64, n) // q[i]: the interval ending at judged[i]
		st := StageTrend{Stage: name, Worst: math.NaN(), Count: last.Stages[name].Sub(first.Stages[name]).Count}
		for i := 1; i < n; i++ {
			q[i] = judged[i].Stages[name].Sub(judged[i-1].Stages[name]).Quantile(0.99)
			if !math.IsNaN(q[i]) && (math.IsNaN(st.Worst) || q[i] > st.Worst) {
				st.Worst = q[i]
			}
		}
		st.Start, st.End = medianOf(q[1:k+1]), medianOf(q[n-k:])
		st.Allowed = st.Start + max(st.Start*l.P99Drift, l.P99Slack.Seconds())
		st.OK = math.IsNaN(st.Start) || math.IsNaN(st.End) || st.End <= st.Allowed
		if !st.OK {
			v.Failures = append(v.Failures, fmt.Sprintf("%s p99 went from %s to %s (allowed %s)", name, Seconds(st.Start), Seconds(st.End), Seconds(st.Allowed)))
		}
		v.Stages = append(v.Stages, st)
	}

	if span := (last.At - first.At).Seconds(); span > 0 {
		v.FPS = float64(last.Frames-first.Frames) / span
		if l.FPS > 0 && v.FPS < 0.9*l.FPS {
			v.Failures = append(v.Failures, fmt.Sprintf("%.1f frames/s, under 90 %% of %.0f", v.FPS, l.FPS))
		}
	}
	return v
}

// trend is one measure's start and end medians and whether the end is
// within growth (a share of the start) or slack (absolute) of it.
func trend(judged, startW, endW []Sample, f func(Sample) float64, growth, slack float64) Trend {
	t := Trend{First: f(judged[0]), Last: f(judged[len(judged)-1]), Start: median(startW, f), End: median(endW, f)}
	for _, s := range judged {
		t.Max = max(t.Max, f(s))
	}
	t.Allowed = t.Start + max(t.Start*growth, slack)
	t.OK = t.End <= t.Allowed
	return t
}

func median(ss []Sample, f func(Sample) float64) float64 {
	v := make([]float64, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	return medianOf(v)
}

// medianOf is the median of the values that are not NaN; NaN if none.
func medianOf(v []float64) float64 {
	v = slices.DeleteFunc(slices.Clone(v), math.IsNaN)
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// stageOrder is the order of the tables: a frame's way through the
// pipeline, then the API.
var stageOrder = []string{"capture", "preprocess", "inference", "conv", "knn", "frame", "classify"}

// stageNames are the stages s has, in stageOrder, then any others sorted.
func stageNames(s Sample) []string {
	var out []string
	for _, n := range stageOrder {
		if _, ok := s.Stages[n]; ok {
			out = append(out, n)
		}
	}
	var rest []string
	for n := range s.Stages {
		if !slices.Contains(stageOrder, n) {
			rest = append(rest, n)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// Seconds formats a duration in seconds for the tables: µs below a
// millisecond, ms above.
func Seconds(s float64) string {
	switch {
	case math.IsNaN(s):
		return "-"
	case s < 1e-3:
		return fmt.Sprintf("%.0f µs", s*1e6)
	default:
		return fmt.Sprintf("%.2f ms", s*1e3)
	}
}
