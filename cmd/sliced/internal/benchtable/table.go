package benchtable

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/sliced-ai/sliced/device/onnxrt"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/gemm"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
	"github.com/sliced-ai/sliced/models/onnxexport"
)

// Options tune a run. The zero value measures about 2 s per row.
type Options struct {
	PerRow  time.Duration // measuring time per row; 0 means 2 s
	Library string        // libonnxruntime path; empty: device/onnxrt's search
}

// Row is one network on one runtime.
type Row struct {
	Name    string
	FLOPs   float64       // per image
	P50     time.Duration // median latency of one image
	Min     time.Duration // fastest call
	Ref     string        // the ONNX Runtime row of the same network, if any
	Err     error         // why the row could not run
	samples []time.Duration
	run     func() error
}

// Result is a finished run.
type Result struct {
	Rows   []*Row
	Peak   float64 // one-core FMA ceiling, GFLOP/s
	Kernel string  // the GEMM kernel set the Go rows ran on
	ORT    string  // ONNX Runtime version and library, or why it is missing
}

// Row names, in table order.
const (
	SlicedA  = "sliced A (Go)"
	SlicedB  = "sliced B (Go)"
	FullA    = "full CNN A (Go)"
	FullB    = "full CNN B (Go)"
	ConvA    = "conv stack A (Go)"
	ConvB    = "conv stack B (Go)"
	ORTConvA = "conv stack A (ORT)"
	ORTConvB = "conv stack B (ORT)"
	ORTFullA = "full CNN A (ORT)"
	ORTFullB = "full CNN B (ORT)"
)

// Measure builds every network, times all rows in interleaved rounds and
// measures the machine's peak. Rows that cannot run carry their error; the
// error returned is for failures of the Go engine itself.
func Measure(opt Options) (*Result, error) {
	per := opt.PerRow
	if per <= 0 {
		per = 2 * time.Second
	}
	rows, done, err := build(opt.Library)
	if err != nil {
		return nil, err
	}
	defer done()
	res := &Result{Rows: rows, Kernel: gemm.Kernel()}
	if path, version := onnxrt.Loaded(); path != "" {
		res.ORT = fmt.Sprintf("ONNX Runtime %s (%s), 1 intra-op thread", version, path)
	} else {
		res.ORT = "ONNX Runtime not available: " + errorOf(rows[len(rows)-1].Err)
	}
	if err := timeRows(rows, per); err != nil {
		return nil, err
	}
	res.Peak, _ = gemm.Peak(500 * time.Millisecond)
	return res, nil
}

// Image is the input every row classifies: a fixed random 28x28 plane.
func Image() []float32 {
	img := make([]float32, models.MNISTInput.Len())
	rng := rand.New(rand.NewPCG(3, 3))
	for i := range img {
		img[i] = rng.Float32()
	}
	return img
}

// build makes every row, in table order; done releases the ONNX Runtime
// sessions.
func build(lib string) (rows []*Row, done func(), err error) {
	img := Image()
	var closers []io.Closer
	done = func() {
		for _, c := range closers {
			c.Close()
		}
	}
	both := []models.Topology{models.A, models.B}
	pick := func(t models.Topology, a, b string) string {
		if t == models.B {
			return b
		}
		return a
	}
	for _, t := range both {
		e, err := Sliced(t)
		if err != nil {
			return nil, done, err
		}
		row, err := sessionRow(pick(t, SlicedA, SlicedB), e, img)
		if err != nil {
			return nil, done, err
		}
		row.Ref = pick(t, ORTConvA, ORTConvB)
		rows = append(rows, row)
	}
	for _, t := range both {
		e, err := FullEngine(t)
		if err != nil {
			return nil, done, err
		}
		row, err := sessionRow(pick(t, FullA, FullB), e, img)
		if err != nil {
			return nil, done, err
		}
		row.Ref = pick(t, ORTFullA, ORTFullB)
		rows = append(rows, row)
	}
	for _, t := range both {
		s := ConvStack(t)
		r, err := nn.NewRunner(s)
		if err != nil {
			return nil, done, err
		}
		f, _ := StackFLOPs(s)
		rows = append(rows, &Row{Name: pick(t, ConvA, ConvB), FLOPs: f, Ref: pick(t, ORTConvA, ORTConvB),
			run: func() error { _, err := r.Forward(img); return err }})
	}
	ortStacks := []struct {
		name string
		s    *nn.Stack
	}{
		{ORTConvA, ConvStack(models.A)}, {ORTConvB, ConvStack(models.B)},
		{ORTFullA, FullCNN(models.A)}, {ORTFullB, FullCNN(models.B)},
	}
	for _, o := range ortStacks {
		f, _ := StackFLOPs(o.s)
		row := &Row{Name: o.name, FLOPs: f}
		rows = append(rows, row)
		m, err := ortModel(o.s, lib)
		if err != nil {
			row.Err = err
			continue
		}
		closers = append(closers, m)
		out := make([]float32, m.OutLen())
		row.run = func() error { return m.RunTo(out, img) }
	}
	return rows, done, nil
}

func errorOf(err error) string {
	if err == nil {
		return "unknown"
	}
	return err.Error()
}

func sessionRow(name string, e *engine.Engine, img []float32) (*Row, error) {
	s, err := e.NewSession()
	if err != nil {
		return nil, err
	}
	f, err := EngineFLOPs(e)
	if err != nil {
		return nil, err
	}
	return &Row{Name: name, FLOPs: f, run: func() error { _, err := s.Classify(img); return err }}, nil
}

func ortModel(s *nn.Stack, lib string) (*onnxrt.Model, error) {
	data, err := onnxexport.Export(s, onnxexport.Options{})
	if err != nil {
		return nil, err
	}
	return onnxrt.New(data, onnxrt.Options{Library: lib, Threads: 1})
}

// timeRows warms every runnable row up, then runs rounds of a few calls per
// row, each call timed, until each row has had about per of running time.
func timeRows(rows []*Row, per time.Duration) error {
	var live []*Row
	for _, r := range rows {
		if r.run == nil {
			continue
		}
		for range 10 {
			if err := r.run(); err != nil {
				return fmt.Errorf("%s: %w", r.Name, err)
			}
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return errors.New("benchtable: nothing to run")
	}
	const perRound = 8
	spent := make([]time.Duration, len(live))
	for done := false; !done; {
		done = true
		for i, r := range live {
			if spent[i] >= per {
				continue
			}
			done = false
			for range perRound {
				t0 := time.Now()
				if err := r.run(); err != nil {
					return fmt.Errorf("%s: %w", r.Name, err)
				}
				d := time.Since(t0)
				r.samples = append(r.samples, d)
				spent[i] += d
			}
		}
	}
	for _, r := range live {
		slices.Sort(r.samples)
		r.P50, r.Min = r.samples[len(r.samples)/2], r.samples[0]
	}
	return nil
}
