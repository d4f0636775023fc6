package soak

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/benchrun"
)

// Markdown writes the summary, the verdict and one row per sample.
func (r *Report) Markdown(w io.Writer) error {
	var b strings.Builder
	v, o := r.Verdict, r.Options
	var first, last Sample
	if n := len(r.Samples); n > 0 {
		first, last = r.Samples[0], r.Samples[n-1]
	}
	span := last.At.Seconds()
	ran := last.At.Round(time.Second).String()
	if last.At < o.Duration-o.Interval {
		ran += " (stopped early; " + o.Duration.String() + " asked)"
	}
	fmt.Fprintf(&b, "Soak: %s of a looping video at %g frames/s; %d clients classifying at %g requests/s, /metrics scraped every %v, "+
		"an enrolment and a removal every %v, SIGHUP every %v; a sample every %v, judged after a %v warm-up (ready after %v).\n\n",
		ran, o.FPS, o.Clients, o.Rate, o.Scrape, o.Enrol, o.Reload, o.Interval, o.Limits.Warmup, r.Ready.Round(time.Millisecond))
	fmt.Fprintf(&b, "- frames: %d (%.1f/s over the judged span); dropped: %d (%.3f %%, allowed %.3f %%)\n", last.Frames, v.FPS, v.Dropped, 100*v.DropRate, 100*o.Limits.DropRate)
	if span > 0 {
		fmt.Fprintf(&b, "- requests answered: %d, of them %d classifications (%.1f/s)\n", last.Requests, last.Classified, float64(last.Classified-first.Classified)/span)
	}
	fmt.Fprintf(&b, "- load: %s\n", counts(r.Ops))
	fmt.Fprintf(&b, "- errors: %d", last.ErrorCount())
	if len(v.Errors) > 0 {
		fmt.Fprintf(&b, " (%s)", counts(v.Errors))
	}
	b.WriteString("\n\n")

	fmt.Fprintf(&b, "Start and end are medians over the first and the last %d intervals after the warm-up: of the samples (memory, goroutines), "+
		"of each interval's p99 (stages); worst is the highest p99 of any one interval.\n\n", v.Window)
	summary := benchrun.Table{Header: []string{"measure", "start", "end", "max / worst", "end allowed", ""}, Align: "lrrrrl"}
	mib := func(f float64) string { return fmt.Sprintf("%.1f MiB", f/(1<<20)) }
	summary.Rows = append(summary.Rows, []string{"RSS", mib(v.RSS.Start), mib(v.RSS.End), mib(v.RSS.Max), mib(v.RSS.Allowed), ok(v.RSS.OK)})
	g := v.Goroutines
	whole := func(f float64) string { return fmt.Sprintf("%.0f", f) }
	summary.Rows = append(summary.Rows, []string{"goroutines", whole(g.Start), whole(g.End), whole(g.Max), whole(math.Floor(g.Allowed)), ok(g.OK)})
	for _, st := range v.Stages {
		summary.Rows = append(summary.Rows, []string{"p99 " + st.Stage, Seconds(st.Start), Seconds(st.End), Seconds(st.Worst), Seconds(st.Allowed), ok(st.OK)})
	}
	if err := summary.Markdown(&b); err != nil {
		return err
	}
	if v.OK() {
		b.WriteString("\nPASS\n")
	} else {
		fmt.Fprintf(&b, "\nFAIL: %s\n", strings.Join(v.Failures, "; "))
		for _, m := range r.Messages {
			fmt.Fprintf(&b, "  %s\n", m)
		}
	}

	b.WriteString("\nPer sample (p99 over the interval before it):\n\n")
	stages := stageNames(last)
	samples := benchrun.Table{Header: append([]string{"t", "RSS MiB", "goroutines", "frames/s", "classify/s", "errors"}, stages...)}
	samples.Align = strings.Repeat("r", len(samples.Header))
	for i, s := range r.Samples {
		fps, cps := "-", "-"
		if i > 0 {
			p := r.Samples[i-1]
			if dt := (s.At - p.At).Seconds(); dt > 0 {
				fps = fmt.Sprintf("%.1f", float64(s.Frames-p.Frames)/dt)
				cps = fmt.Sprintf("%.1f", float64(s.Classified-p.Classified)/dt)
			}
		}
		row := []string{s.At.Round(time.Second).String(), fmt.Sprintf("%.1f", float64(s.RSS)/(1<<20)), fmt.Sprint(s.Goroutines), fps, cps, fmt.Sprint(s.ErrorCount())}
		for _, st := range stages {
			q := math.NaN()
			if i > 0 {
				q = s.Stages[st].Sub(r.Samples[i-1].Stages[st]).Quantile(0.99)
			}
			row = append(row, Seconds(q))
		}
		samples.Rows = append(samples.Rows, row)
	}
	if err := samples.Markdown(&b); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func ok(b bool) string {
	if b {
		return "ok"
	}
	return "**over**"
}

// counts is "kind n, kind n" in kind order.
func counts(m map[string]uint64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
