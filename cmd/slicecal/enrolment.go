package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/enrolment"
	"github.com/sliced-ai/sliced/calibration/glyphs"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

func init() {
	register(&command{Name: "enrolment", Summary: "measure enrolment: new classes, the known digits and unknown answers against examples per class (table and PNG)", Run: runEnrolment})
}

func runEnrolment(args []string) error {
	fs := newFlags("enrolment", "[--engine FILE] [--out DIR] [flags]")
	path := fs.String("engine", "", "sliced engine file (default: the embedded MNIST engine)")
	out := fs.String("out", "", "folder for enrolment.md and enrolment.png (default: print the table only)")
	digitFrames := fs.Int("digits", 500, "camera-like frames of MNIST test digits")
	classes := fs.String("classes", "1,3,10", "numbers of new classes to enrol")
	examples := fs.String("examples", "1,2,5,10,20", "examples per new class")
	check := fs.Int("check", enrolment.DefaultCurve().Check, "frames of each enrolled shape to check, in other fonts")
	mnist := fs.Int("mnist", 10000, "MNIST test images whose closed-set accuracy each point measures (0: none)")
	perShape := fs.Int("per-shape", 0, "also print, for this many frames of every held-out shape, how often the engine answers it unknown before any enrolment")
	strict := fs.String("strictness", "", "also print, for each unknown scale in this list (e.g. 1,0.95,0.9), with one view and with the default views, the digits and the held-out shapes answered unknown before any enrolment")
	sets := fs.String("sets", "", "also enrol each of these comma-separated sets of held-out shapes (e.g. ACE,LMN) with each --examples count and print the new classes recognised, the digits, and the other held-out shapes answered unknown")
	data := fs.String("data", "", "folder of MNIST-style idx files (default: GoMNIST in the Go module cache)")
	if err := parse(fs, args); err != nil {
		return err
	}
	o := enrolment.DefaultCurve()
	o.Check = *check
	var err error
	if o.Classes, err = ints(*classes); err != nil {
		return fmt.Errorf("--classes: %w", err)
	}
	if o.Examples, err = ints(*examples); err != nil {
		return fmt.Errorf("--examples: %w", err)
	}
	var setList []string
	if *sets != "" {
		setList = strings.Split(*sets, ",")
		if err := enrolment.CheckSets(setList); err != nil {
			return fmt.Errorf("--sets: %w", err)
		}
	}
	e, err := models.Default()
	if *path != "" {
		e, err = engine.Load(*path)
	}
	if err != nil {
		return err
	}
	if e.KNN == nil {
		return fmt.Errorf("%s is a full CNN: only a sliced engine can enrol", e.Name)
	}
	_, test, err := dataset.LoadMNIST(*data)
	if err != nil {
		return err
	}
	start := time.Now()
	digits, err := enrolment.Digits(test.Images, test.Labels, *digitFrames, 11)
	if err != nil {
		return err
	}
	o.MNIST = enrolment.MNIST(test.Images, test.Labels, *mnist)
	pts, err := enrolment.Curve(e, digits, o)
	if err != nil {
		return err
	}
	var table strings.Builder
	if err := enrolment.WriteTable(&table, pts, len(o.MNIST) > 0); err != nil {
		return err
	}
	fmt.Print(table.String())
	if *perShape > 0 {
		rows, err := enrolment.PerShape(e, *perShape)
		if err != nil {
			return err
		}
		fmt.Printf("\n| shape | unknown | nearest classes |\n|---|---|---|\n")
		var all float64
		for _, r := range rows {
			fmt.Printf("| %c | %.0f %% | %v |\n", r.Shape, 100*r.Unknown, r.Nearest)
			all += r.Unknown
		}
		fmt.Printf("| all | %.1f %% | |\n", 100*all/float64(len(rows)))
	}
	if len(setList) > 0 {
		pts, err := enrolment.Sets(e, digits, setList, o.Examples, o.Check)
		if err != nil {
			return fmt.Errorf("--sets: %w", err)
		}
		fmt.Println()
		if err := enrolment.WriteSets(os.Stdout, pts); err != nil {
			return err
		}
	}
	if *strict != "" {
		if err := printStrictness(e, digits, *strict); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "measured in %v\n", time.Since(start).Round(time.Second))
	if *out == "" {
		return nil
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := enrolment.WritePlot(filepath.Join(*out, "enrolment.png"), pts); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(*out, "enrolment.md"), []byte(table.String()), 0o644)
}

// printStrictness prints the open-set trade-off: for each unknown scale
// in list, with one view and with the default views, the share of digit
// frames answered right (unknown counted wrong) and the share of frames
// of the held-out shapes answered unknown, in both font families.
func printStrictness(e *engine.Engine, digits []enrolment.Frame, list string) error {
	var scales []float64
	for _, f := range strings.Split(list, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v > 0 && v <= 100) {
			return fmt.Errorf("--strictness: %q is not a scale in (0, 100]", f)
		}
		scales = append(scales, v)
	}
	held := map[string][]enrolment.Frame{}
	for _, fam := range []struct {
		name  string
		fonts []string
		n     int
		seed  uint64
	}{{"liberation", glyphs.LiberationFonts, 40, 3}, {"go", glyphs.GoFonts, 20, 1}} {
		f, err := enrolment.Shapes(glyphs.Held, fam.fonts, fam.n, fam.seed)
		if err != nil {
			return err
		}
		held[fam.name] = f
	}
	fmt.Printf("\n| unknown scale | views | digits (camera-like, unknown wrong) | held-out shapes unknown (Liberation fonts) | (Go fonts) |\n|---|---|---|---|---|\n")
	for _, views := range []int{1, engine.DefaultUnknownViews} {
		for _, sc := range scales {
			r := enrolment.Rule{Scale: sc, Views: views}
			right, _, err := enrolment.ScoreRule(e, digits, r)
			if err != nil {
				return err
			}
			_, lib, err := enrolment.ScoreRule(e, held["liberation"], r)
			if err != nil {
				return err
			}
			_, gof, err := enrolment.ScoreRule(e, held["go"], r)
			if err != nil {
				return err
			}
			fmt.Printf("| %g | %d | %.1f %% | %.1f %% | %.1f %% |\n", sc, views, 100*right, 100*lib, 100*gof)
		}
	}
	return nil
}
