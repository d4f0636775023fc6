package report

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/sliced-ai/sliced/calibration/prototypes"
)

// Doc is everything a report page shows.
type Doc struct {
	Command string            // the command line that remakes the report
	Quick   bool              // the rows are smoke-test sized
	Sizes   []Size            // slide 26
	Rows    map[string]Result // by spec ID; missing rows print "not run"
	Sweep   *Sweep            // optional accuracy vs engine size
	Plots   []string          // PNG file names beside report.md
	Now     time.Time
}

// WriteMarkdown renders d.
func WriteMarkdown(w io.Writer, d Doc) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# The paper's tables, remeasured\n\n")
	fmt.Fprintf(&b, "Generated %s with %s on %s/%s", d.Now.UTC().Format("2006-01-02 15:04 MST"), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if cpu := cpuModel(); cpu != "" {
		fmt.Fprintf(&b, ", %s, %d logical CPUs", cpu, runtime.NumCPU())
	}
	fmt.Fprintf(&b, ". Remake it with\n\n    %s\n\n", d.Command)
	if d.Quick {
		fmt.Fprintf(&b, "**Quick mode: every protocol shrunk to a smoke test (a sixtieth of the training images, a twentieth of the test images, at least 200 and 100, a fifth of the epochs, 2 generations of 8 candidates in blocks of 32 filters). These numbers check the pipeline, not the paper.**\n\n")
	}
	fmt.Fprintf(&b, "Paper numbers: slides 26 and 28 of \"Hybrid Deep Learning Topology for Image Classification\" (SSIP 2019). ")
	fmt.Fprintf(&b, "Paper cost: backprop %s; evolution CMA-ES %s, PSO %s.\n\n", PaperTrainCost, PaperCMACost, PaperPSOCost)

	fmt.Fprintf(&b, "## Slide 26: parameters and size\n\n")
	fmt.Fprintf(&b, "| network | paper params | params | paper size | float32 weights | engine file |\n|---|---|---|---|---|---|\n")
	for _, s := range d.Sizes {
		p := paperSizes[s.Network.ID]
		file := "see below"
		if s.EngineBytes > 0 {
			file = bytesText(s.EngineBytes)
		}
		label := s.Network.Label
		if s.Network.Sliced() {
			label += " (conv only)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", label, p.Params, thousands(s.Params), p.Size, bytesText(s.Float32), file)
	}
	fmt.Fprintf(&b, "\nSliced engine files hold the conv weights plus every training image's features as k-NN prototypes:\n\n")
	fmt.Fprintf(&b, "| network | protocol | prototypes | engine file |\n|---|---|---|---|\n")
	for _, p := range Protocols {
		for _, n := range Networks {
			if r, ok := d.Rows[Spec{n, p}.ID()]; ok && n.Sliced() {
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", n.Label, protoLabel(p, r), thousands(r.Prototypes), bytesText(r.EngineBytes))
			}
		}
	}

	fmt.Fprintf(&b, "\n## Slide 28: MNIST test accuracy, measured (paper)\n\n| network | params |")
	for _, p := range Protocols {
		fmt.Fprintf(&b, " %s |", p.Label)
	}
	fmt.Fprintf(&b, "\n|---|---|%s\n", strings.Repeat("---|", len(Protocols)))
	for _, s := range d.Sizes {
		fmt.Fprintf(&b, "| %s | %s |", s.Network.Label, thousands(s.Params))
		for _, p := range Protocols {
			paper, _ := PaperAccuracy(s.Network.ID, p.ID)
			m := "not run"
			if r, ok := d.Rows[Spec{s.Network, p}.ID()]; ok {
				m = fmt.Sprintf("%.2f", 100*r.Accuracy)
			}
			fmt.Fprintf(&b, " %s (%g) |", m, paper)
		}
		b.WriteString("\n")
	}
	for _, p := range Protocols {
		fmt.Fprintf(&b, "\n### %s\n\n", p.Label)
		fmt.Fprintf(&b, "| network | paper %% | measured %% | difference | train/test images | budget | wall time | cores |\n|---|---|---|---|---|---|---|---|\n")
		for _, n := range Networks {
			paper, _ := PaperAccuracy(n.ID, p.ID)
			r, ok := d.Rows[Spec{n, p}.ID()]
			if !ok {
				fmt.Fprintf(&b, "| %s | %g | not run | | | | | |\n", n.Label, paper)
				continue
			}
			st := r.Settings
			budget := fmt.Sprintf("epochs: %d", st.Epochs)
			if n.Sliced() {
				budget = recipeText(st)
			}
			wall := wallText(r.WallSeconds)
			if r.Resumed {
				wall += " (resumed)"
			}
			fmt.Fprintf(&b, "| %s | %g | %.2f | %+.2f | %d/%d | %s | %s | %d of %d |\n", n.Label, paper, 100*r.Accuracy,
				100*r.Accuracy-paper, st.Train, st.Test, budget, wall, r.Cores, r.CPUs)
		}
	}
	writeTargets(&b, d.Rows)
	if d.Sweep != nil {
		writeSweep(&b, d.Sweep)
	}
	if len(d.Plots) > 0 {
		b.WriteString("\n## Plots\n\n")
		for _, p := range d.Plots {
			fmt.Fprintf(&b, "![%s](%s)\n\n", strings.TrimSuffix(p, ".png"), p)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// recipeText says how an evolutionary row searched.
func recipeText(st Settings) string {
	start := "random kernels"
	if st.Init == "trained" {
		start = fmt.Sprintf("B/64 kernels after %d epochs", st.Epochs)
	}
	fitness := "leave-one-out"
	if st.Queries > 0 {
		fitness = fmt.Sprintf("%d held-out queries", st.Queries)
	}
	protos := ""
	if st.FitnessProtos > 0 {
		protos = fmt.Sprintf(" over %d prototypes", st.FitnessProtos)
	}
	metric := st.Metric
	if metric == "" {
		metric = "l2"
	}
	k := st.K
	if k == 0 {
		k = 9
	}
	out := fmt.Sprintf("%d generations per block of %d filters from %s; fitness %s %d-NN, %s%s", st.Generations, st.Block, start, metric, k, fitness, protos)
	if st.Shifts > 0 {
		out += fmt.Sprintf("; engine prototypes: training images and %d one-pixel shifts of each", st.Shifts)
	}
	return out
}

// Targets are the accuracy and time goals the report checks its
// evolutionary rows against.
var Targets = []struct {
	Row      string
	Accuracy float64 // percent
	Within   time.Duration
}{
	{"sliced-cmaes/4000-1000-5ep", 97.5, 20 * time.Minute},
	{"sliced-pso/4000-1000-5ep", 97.3, 20 * time.Minute},
	{"sliced-cmaes/60000-10000-5ep", 98.6, 2 * time.Hour},
}

func writeTargets(b *strings.Builder, rows map[string]Result) {
	fmt.Fprintf(b, "\n## Targets\n\n| row | target | measured | wall time | met |\n|---|---|---|---|---|\n")
	for _, t := range Targets {
		r, ok := rows[t.Row]
		if !ok {
			fmt.Fprintf(b, "| %s | >= %.1f %% within %s | not run | | |\n", t.Row, t.Accuracy, t.Within)
			continue
		}
		met := "no"
		if 100*r.Accuracy >= t.Accuracy-1e-9 && r.WallSeconds <= t.Within.Seconds() {
			met = "yes"
		}
		if r.Settings.Quick {
			met = "quick run, not a measurement"
		}
		fmt.Fprintf(b, "| %s | >= %.1f %% within %s | %.2f %% | %s on %d cores | %s |\n", t.Row, t.Accuracy, t.Within,
			100*r.Accuracy, wallText(r.WallSeconds), r.Cores, met)
	}
}

// wallText prints seconds below a minute with a tenth, longer times
// as a duration to the second.
func wallText(sec float64) string {
	if sec < 60 {
		return fmt.Sprintf("%.1f s", sec)
	}
	return (time.Duration(sec) * time.Second).String()
}

func protoLabel(p Protocol, r Result) string {
	if r.Settings.Quick {
		return fmt.Sprintf("%s (quick: %d/%d)", p.Label, r.Settings.Train, r.Settings.Test)
	}
	return p.Label
}

func writeSweep(b *strings.Builder, s *Sweep) {
	fmt.Fprintf(b, "\n## Accuracy against engine size\n\n")
	fmt.Fprintf(b, "Conv kernels of %s, prototypes condensed from %d training images (PCA, k-means, int8 as `slicecal prototypes`), options chosen on %d validation images, scored on %d test images.\n\n",
		s.From, s.Train, s.Val, s.Test)
	fmt.Fprintf(b, "| budget | PCA dim | prototypes/class | engine file | validation %% | test %% |\n|---|---|---|---|---|---|\n")
	for _, r := range s.Rows {
		if !r.Fits {
			fmt.Fprintf(b, "| %s | | | nothing fits | | |\n", budgetText(r.Budget))
			continue
		}
		fmt.Fprintf(b, "| %s | %d | %d | %s | %.2f | %.2f |\n", budgetText(r.Budget), r.Dim, r.PerClass, bytesText(r.Bytes), 100*r.ValAcc, 100*r.TestAcc)
	}
}

func budgetText(n int) string {
	if n <= 0 {
		return "unlimited"
	}
	return prototypes.FormatBytes(n)
}

// bytesText prints a byte count exactly and in KiB or MiB.
func bytesText(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%s B (%.2f MiB)", thousands(n), float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%s B (%.1f KiB)", thousands(n), float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
