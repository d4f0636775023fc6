package soak

import (
	"math"
	"strings"
	"testing"
	"time"
)

var bounds = []float64{0.001, 0.002, 0.004, 0.008, 0.016}

// observe adds n observations of x seconds to the cumulative h.
func observe(h Hist, x float64, n uint64) Hist {
	if h.Bounds == nil {
		h = Hist{Bounds: bounds, Counts: make([]uint64, len(bounds))}
	}
	c := append([]uint64(nil), h.Counts...)
	for i, b := range h.Bounds {
		if x <= b {
			c[i] += n
		}
	}
	return Hist{Bounds: h.Bounds, Counts: c, Count: h.Count + n}
}

func TestQuantile(t *testing.T) {
	h := observe(observe(Hist{}, 0.0005, 90), 0.003, 10)
	for _, c := range []struct{ q, want float64 }{
		{0.5, 0.001 * 50 / 90},           // inside the first bucket, from 0
		{0.95, 0.002 + 0.002*(95-90)/10}, // inside (2 ms, 4 ms]
		{1, 0.004},
	} {
		if got := h.Quantile(c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("q%v = %v, want %v", c.q, got, c.want)
		}
	}
	if top := observe(Hist{}, 1, 5).Quantile(0.99); top != 0.016 {
		t.Errorf("all above the last bound: %v, want the last bound", top)
	}
	if q := (Hist{Bounds: bounds, Counts: make([]uint64, 5)}).Quantile(0.99); !math.IsNaN(q) {
		t.Errorf("no observations: %v, want NaN", q)
	}
	d := observe(h, 0.010, 7).Sub(h)
	if d.Count != 7 || d.Counts[3] != 0 || d.Counts[4] != 7 {
		t.Errorf("Sub: %+v", d)
	}
	if other := (Hist{Bounds: []float64{1}, Counts: []uint64{3}, Count: 3}); !equalHist(other.Sub(h), other) {
		t.Error("Sub across different buckets should keep all of the later histogram")
	}
}

func equalHist(a, b Hist) bool {
	return a.Count == b.Count && len(a.Counts) == len(b.Counts) && a.Counts[0] == b.Counts[0]
}

// run makes 10 minutes of samples every 10 s: RSS and goroutines from the
// functions of the sample's index, and per interval 295 inference times of
// 0.5 ms and 5 of slow(i): the p99 falls among the slow ones.
func run(rss func(i int) int64, goroutines func(i int) int, slow func(i int) float64) []Sample {
	var out []Sample
	var h Hist
	for i := 0; i <= 60; i++ {
		if i > 0 {
			h = observe(observe(h, 0.0005, 295), slow(i), 5)
		} else {
			h = observe(h, 0.0005, 0)
		}
		out = append(out, Sample{
			At: time.Duration(i) * 10 * time.Second, RSS: rss(i), Goroutines: goroutines(i),
			Frames: uint64(i) * 300, Errors: map[string]uint64{}, Stages: map[string]Hist{"inference": h},
		})
	}
	return out
}

func limits() Limits {
	l := DefaultLimits()
	l.FPS = 30
	return l
}

func TestAnalyseFlat(t *testing.T) {
	// The heap breathes and fills during the warm-up; one interval of
	// other work on the machine triples the p99 once.
	ss := run(
		func(i int) int64 { return 40<<20 + int64(i%3)<<20 - int64(max(0, 6-i))<<22 },
		func(i int) int { return 16 + i%4 },
		func(i int) float64 {
			if i == 58 {
				return 0.009
			}
			return 0.003
		})
	ss[len(ss)-1].Dropped = 18 // of 18018: 0.1 %, the limit
	v := Analyse(ss, limits())
	if !v.OK() {
		t.Fatalf("a flat run failed: %v", v.Failures)
	}
	if v.Judged != 55 || v.Window != 11 {
		t.Errorf("judged %d samples, windows of %d intervals; want 55 and 11", v.Judged, v.Window)
	}
	if v.FPS != 30 {
		t.Errorf("%v frames/s, want 30", v.FPS)
	}
	st := v.Stages[0]
	if st.Stage != "inference" || st.Start != st.End || st.Worst <= st.End {
		t.Errorf("inference: %+v; want the same p99 at start and end and a worse one in one interval", st)
	}
}

func TestAnalyseFailures(t *testing.T) {
	flatRSS := func(int) int64 { return 40 << 20 }
	flatG := func(int) int { return 16 }
	flatP := func(int) float64 { return 0.003 }
	cases := []struct {
		name    string
		samples []Sample
		want    string
	}{
		{"memory leak", run(func(i int) int64 { return 40<<20 + int64(i)<<18 }, flatG, flatP), "RSS grew"},
		{"goroutine leak", run(flatRSS, func(i int) int { return 16 + i/3 }, flatP), "goroutines grew"},
		{"p99 drift", run(flatRSS, flatG, func(i int) float64 { return 0.003 + 0.009*float64(i/40) }), "inference p99"},
		{"errors", func() []Sample {
			ss := run(flatRSS, flatG, flatP)
			ss[len(ss)-1].Errors["POST /v1/classify 500"] = 2
			return ss
		}(), "2 errors"},
		{"slow frames", func() []Sample {
			ss := run(flatRSS, flatG, flatP)
			for i := range ss {
				ss[i].Frames /= 2
			}
			return ss
		}(), "frames/s"},
		{"dropped frames", func() []Sample {
			ss := run(flatRSS, flatG, flatP)
			ss[len(ss)-1].Dropped = 19 // of 18019
			return ss
		}(), "19 frames dropped"},
		{"too short", run(flatRSS, flatG, flatP)[:6], "too few"},
	}
	for _, c := range cases {
		v := Analyse(c.samples, limits())
		if v.OK() || !strings.Contains(strings.Join(v.Failures, "; "), c.want) {
			t.Errorf("%s: failures %q, want one saying %q", c.name, v.Failures, c.want)
		}
		if len(v.Failures) != 1 {
			t.Errorf("%s: %d failures, want only that one: %q", c.name, len(v.Failures), v.Failures)
		}
	}
}

// A slow creep under the limits passes: the limits say how much growth is
// noise.
func TestAnalyseWithinSlack(t *testing.T) {
	ss := run(func(i int) int64 { return 40<<20 + int64(i)<<16 }, func(i int) int { return 16 + i/20 }, func(int) float64 { return 0.003 })
	if v := Analyse(ss, limits()); !v.OK() {
		t.Fatalf("growth within the limits failed: %v", v.Failures)
	}
}

func TestMarkdown(t *testing.T) {
	ss := run(func(int) int64 { return 40 << 20 }, func(int) int { return 16 }, func(int) float64 { return 0.003 })
	r := &Report{Options: Options{Duration: 10 * time.Minute}.Defaults(), Samples: ss, Ops: map[string]uint64{"reload": 3}}
	r.Verdict = Analyse(ss, r.Options.Limits)
	var b strings.Builder
	if err := r.Markdown(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| RSS | 40.0 MiB | 40.0 MiB |", "| goroutines | 16 | 16 |", "| p99 inference |", "load: reload 3", "\nPASS\n", "| 10m0s | 40.0 | 16 | 30.0 |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, b.String())
		}
	}
}
