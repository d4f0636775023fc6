package benchrun

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
)

// Row is one backend's result. Fractions are in [0, 1]; a backend that did
// not run has State "skipped" (library or device missing) or "failed",
// and Reason says why.
type Row struct {
	Backend      string   `json:"backend"`
	Device       string   `json:"device,omitempty"`
	Model        string   `json:"model,omitempty"`
	State        string   `json:"state"`
	Reason       string   `json:"reason,omitempty"`
	Frames       int      `json:"frames,omitempty"`
	P50US        float64  `json:"p50_us,omitempty"`
	P90US        float64  `json:"p90_us,omitempty"`
	P99US        float64  `json:"p99_us,omitempty"`
	PerSecond    float64  `json:"images_per_s,omitempty"`
	Accuracy     float64  `json:"accuracy,omitempty"`
	AgreeSliced  float64  `json:"agree_sliced,omitempty"`
	AgreeFullCNN float64  `json:"agree_fullcnn,omitempty"`
	MaxDiff      *float64 `json:"max_prob_diff,omitempty"` // vs the Go full CNN, full-CNN rows only
	Ratio        float64  `json:"ratio_to_sliced,omitempty"`
}

// Ran reports whether the row has measurements.
func (r Row) Ran() bool { return r.Frames > 0 }

// Report is a whole run.
type Report struct {
	Machine string `json:"machine"`
	Source  string `json:"source"`
	Frames  int    `json:"frames"`
	Warmup  int    `json:"warmup"`
	Threads int    `json:"threads"`
	Sliced  string `json:"sliced_engine"`
	FullCNN string `json:"fullcnn_engine"`
	Rows    []Row  `json:"rows"`
}

// ratios sets each row's p50 over the sliced row's p50.
func (r *Report) ratios() {
	var base float64
	for _, row := range r.Rows {
		if row.Backend == "sliced" && row.Ran() {
			base = row.P50US
		}
	}
	if base <= 0 {
		return
	}
	for i := range r.Rows {
		if r.Rows[i].Ran() {
			r.Rows[i].Ratio = r.Rows[i].P50US / base
		}
	}
}

// Machine describes this computer: OS, architecture, CPU model and cores.
func Machine() string {
	cpu := ""
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), ":")
			k = strings.TrimSpace(k)
			if ok && (k == "model name" || k == "Model" || k == "Hardware") {
				cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if cpu == "" {
		cpu = "unknown CPU"
	}
	return fmt.Sprintf("%s/%s, %s, %d cores", runtime.GOOS, runtime.GOARCH, cpu, runtime.NumCPU())
}

// header is the table's columns.
var header = []string{"backend", "device", "p50 µs", "p90 µs", "p99 µs", "images/s", "accuracy", "agree sliced", "agree full CNN", "max |Δp|", "× sliced"}

func (r *Report) table() *Table {
	t := &Table{Header: header}
	for _, row := range r.Rows {
		t.Rows = append(t.Rows, row.cells())
	}
	return t
}

func (r Row) cells() []string {
	if !r.Ran() {
		why := strings.Join(strings.Fields(r.Reason), " ")
		if len(why) > 240 {
			why = why[:240] + "…"
		}
		return []string{r.Backend, r.Device, r.State + ": " + why}
	}
	pct := func(f float64) string { return fmt.Sprintf("%.2f %%", 100*f) }
	diff, ratio := "", ""
	if r.MaxDiff != nil {
		diff = fmt.Sprintf("%.1e", *r.MaxDiff)
	}
	if r.Ratio > 0 {
		ratio = fmt.Sprintf("%.2f", r.Ratio)
	}
	return []string{r.Backend, r.Device, us(r.P50US), us(r.P90US), us(r.P99US), fmt.Sprintf("%.0f", r.PerSecond),
		pct(r.Accuracy), pct(r.AgreeSliced), pct(r.AgreeFullCNN), diff, ratio}
}

func us(v float64) string {
	if v < 100 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

func (r *Report) caption() string {
	return fmt.Sprintf("%d %s (warm-up %d, %d thread(s)) on %s; sliced engine %q, full CNN %q",
		r.Frames, r.Source, r.Warmup, r.Threads, r.Machine, r.Sliced, r.FullCNN)
}

// Text writes the table aligned for a terminal.
func (r *Report) Text(w io.Writer) error {
	if _, err := fmt.Fprintln(w, r.caption()); err != nil {
		return err
	}
	return r.table().Text(w)
}

// Markdown writes the table as GitHub markdown, a row that did not run
// with its reason in the latency column.
func (r *Report) Markdown(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "%s.\n\n", r.caption()); err != nil {
		return err
	}
	if err := r.table().Markdown(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\nLatency is one image per call, wall time around Backend.Classify (copies in and out included). "+
		"Accuracy is against the true labels; agreement is the share of frames given the same label as the sliced engine "+
		"and as the Go full CNN; max |Δp| is the largest difference of a class probability from the Go full CNN's; "+
		"× sliced is p50 over the sliced engine's p50.\n")
	return err
}
