package benchtable

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/benchrun"
)

func (r *Result) row(name string) *Row {
	for _, x := range r.Rows {
		if x.Name == name {
			return x
		}
	}
	return nil
}

// ratio is a's median over b's, or 0 when either did not run.
func (r *Result) ratio(a, b string) float64 {
	x, y := r.row(a), r.row(b)
	if x == nil || y == nil || x.P50 == 0 || y.P50 == 0 {
		return 0
	}
	return float64(x.P50) / float64(y.P50)
}

func us(d time.Duration) string { return fmt.Sprintf("%.1f", benchrun.Micros(d)) }

// Markdown writes the table, a line on the machine before it and the
// issue's targets after it.
func (r *Result) Markdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Batch 1, one thread, %s/%s, GEMM kernel %s, measured one-core peak %.1f GFLOP/s; %s.\n",
		runtime.GOOS, runtime.GOARCH, r.Kernel, r.Peak, r.ORT)
	fmt.Fprintf(&b, "All %d cores: the Go rows run %d sessions at once, one per core; "+
		"ONNX Runtime runs one session with %d intra-op threads, one image at a time.\n\n",
		r.Workers, r.Workers, r.Workers)
	t := &benchrun.Table{Align: "llrrrrrrrr", Header: []string{"network", "conv algorithm", "p50 us", "min us", "images/s", "vs ORT, same network",
		"GFLOP/s, direct count", "% of F(4,3) bound", fmt.Sprintf("images/s, %d cores", r.Workers), "speed-up"}}
	for _, x := range r.Rows {
		if x.P50 == 0 {
			why := "not run"
			if x.Err != nil {
				why = "missing: " + x.Err.Error()
			}
			t.Rows = append(t.Rows, []string{x.Name, why})
			continue
		}
		gf := x.FLOPs / x.P50.Seconds() / 1e9
		ratio := "-"
		if x.Ref != "" {
			if q := r.ratio(x.Name, x.Ref); q > 0 {
				ratio = fmt.Sprintf("%.2fx", q)
			} else {
				ratio = "n/a (no ORT)"
			}
		}
		pct := "-"
		if r.Peak > 0 && x.Bound > 0 {
			// The bound's time at peak over the time taken.
			pct = fmt.Sprintf("%.0f %%", 100*x.Bound/(r.Peak*1e9)/x.P50.Seconds())
		}
		all, up := "-", "-"
		if q := x.Speedup(); q > 0 {
			all, up = fmt.Sprintf("%.0f", x.PerSec), fmt.Sprintf("%.2fx", q)
		}
		t.Rows = append(t.Rows, []string{x.Name, x.Algo, us(x.P50), us(x.Min), fmt.Sprintf("%.0f", 1/x.P50.Seconds()), ratio,
			fmt.Sprintf("%.1f", gf), pct, all, up})
	}
	t.Markdown(&b)
	b.WriteString("\nTargets (p50, this run):\n")
	for _, t := range []struct {
		a, b  string
		limit float64
	}{{ConvA, ORTConvA, 0.5}, {SlicedA, ORTFullA, 0.4}, {SlicedB, ORTFullB, 0.6}, {Default, ORTFullB, 0.6}, {FullA, ORTFullA, 0.6}} {
		if q := r.ratio(t.a, t.b); q > 0 {
			fmt.Fprintf(&b, "- %s <= %.1fx %s: %.2fx (%s)\n", t.a, t.limit, t.b, q, verdict(q <= t.limit))
		} else {
			fmt.Fprintf(&b, "- %s <= %.1fx %s: not measured (ONNX Runtime missing)\n", t.a, t.limit, t.b)
		}
	}
	for _, s := range []string{SlicedB, Default} {
		x, c := r.row(s), r.row(ConvB)
		if x == nil || c == nil || x.P50 == 0 || c.P50 == 0 {
			continue
		}
		d := benchrun.Micros(x.P50) - benchrun.Micros(c.P50)
		fmt.Fprintf(&b, "- %s minus %s <= 2 us: %.1f us (%s)\n", s, ConvB, d, verdict(d <= 2))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
