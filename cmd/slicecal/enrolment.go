package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/enrolment"
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
