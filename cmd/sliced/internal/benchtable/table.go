package benchtable

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/benchrun"
	"github.com/sliced-ai/sliced/device/onnxrt"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/gemm"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
	"github.com/sliced-ai/sliced/models/onnxexport"
)

// Options tune a run. The zero value measures about 2 s per row on one
// thread and 2 s per row on all cores.
type Options struct {
	PerRow  time.Duration // measuring time per row and figure; 0 means 2 s
	Library string        // libonnxruntime path; empty: device/onnxrt's search
	Workers int           // cores of the all-cores figure; 0 means GOMAXPROCS
}

// Row is one network on one runtime.
type Row struct {
	Name    string
	FLOPs   float64       // per image, convolutions counted direct
	Bound   float64       // per image at F(4x4,3x3)'s multiplies (BoundFLOPs)
	Algo    string        // how the convolutions ran
	P50     time.Duration // median latency of one image
	Min     time.Duration // fastest call
	Ref     string        // the ONNX Runtime row of the same network, if any
	Err     error         // why the row could not run
	Workers int           // concurrent workers of the all-cores figure
	PerSec  float64       // all-cores throughput, images/s; 0 when not run
	OneSec  float64       // one-thread throughput timed as PerSec is
	samples []time.Duration
	run     func() error
	all     []func() error // one per concurrent worker of the all-cores figure
}

// Speedup is the all-cores throughput over the one-thread throughput timed
// the same way, or 0 when either was not measured.
func (r *Row) Speedup() float64 {
	if r.PerSec <= 0 || r.OneSec <= 0 {
		return 0
	}
	return r.PerSec / r.OneSec
}

// Result is a finished run.
type Result struct {
	Rows    []*Row
	Peak    float64 // one-core FMA ceiling, GFLOP/s
	Kernel  string  // the GEMM kernel set the Go rows ran on
	ORT     string  // ONNX Runtime version and library, or why it is missing
	Workers int     // cores of the all-cores figure
}

// Row names, in table order.
const (
	SlicedA = "sliced A (Go)"
	SlicedB = "sliced B (Go)"
	Default = "default engine, sliced B (Go)"
	// DefaultInt8 is the default engine with int8 convolutions, where
	// they run (AVX512-VNNI).
	DefaultInt8 = "default engine, int8 convs (Go)"
	FullA       = "full CNN A (Go)"
	FullB       = "full CNN B (Go)"
	ConvA       = "conv stack A (Go)"
	ConvB       = "conv stack B (Go)"
	ORTConvA    = "conv stack A (ORT)"
	ORTConvB    = "conv stack B (ORT)"
	ORTFullA    = "full CNN A (ORT)"
	ORTFullB    = "full CNN B (ORT)"
)

// Measure builds every network, times all rows in interleaved rounds and
// measures the machine's peak. Rows that cannot run carry their error; the
// error returned is for failures of the Go engine itself.
func Measure(opt Options) (*Result, error) {
	per := opt.PerRow
	if per <= 0 {
		per = 2 * time.Second
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	rows, done, err := build(opt.Library, workers)
	if err != nil {
		return nil, err
	}
	defer done()
	res := &Result{Rows: rows, Kernel: gemm.Kernel(), Workers: workers}
	if path, version := onnxrt.Loaded(); path != "" {
		res.ORT = fmt.Sprintf("ONNX Runtime %s (%s)", version, path)
	} else {
		res.ORT = "ONNX Runtime not available: " + errorOf(rows[len(rows)-1].Err)
	}
	if err := timeRows(rows, per); err != nil {
		return nil, err
	}
	if err := timeAllCores(rows, per); err != nil {
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

// build makes every row, in table order, each with workers independent
// instances for the all-cores figure (none when workers is 0); done
// releases the ONNX Runtime sessions.
func build(lib string, workers int) (rows []*Row, done func(), err error) {
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
		row, err := sessionRow(pick(t, SlicedA, SlicedB), e, img, workers, nn.Options{})
		if err != nil {
			return nil, done, err
		}
		row.Ref = pick(t, ORTConvA, ORTConvB)
		rows = append(rows, row)
	}
	// The engine sliced ships: topology B, 300 int8 prototypes of 24.
	def, err := models.Default()
	if err != nil {
		return nil, done, err
	}
	row, err := sessionRow(Default, def, img, workers, nn.Options{})
	if err != nil {
		return nil, done, err
	}
	row.Ref = ORTFullB
	rows = append(rows, row)
	if gemm.HasQConv() {
		// The same engine with its convolutions as int8 products.
		row, err := sessionRow(DefaultInt8, def, img, workers, nn.Options{Conv: nn.ConvInt8})
		if err != nil {
			return nil, done, err
		}
		row.Ref = ORTFullB
		rows = append(rows, row)
	}
	for _, t := range both {
		e, err := FullEngine(t)
		if err != nil {
			return nil, done, err
		}
		row, err := sessionRow(pick(t, FullA, FullB), e, img, workers, nn.Options{})
		if err != nil {
			return nil, done, err
		}
		row.Ref = pick(t, ORTFullA, ORTFullB)
		rows = append(rows, row)
	}
	for _, t := range both {
		s := ConvStack(t)
		f, _ := StackFLOPs(s)
		bound, _ := BoundFLOPs(s)
		row := &Row{Name: pick(t, ConvA, ConvB), FLOPs: f, Bound: bound, Ref: pick(t, ORTConvA, ORTConvB), Workers: workers}
		for i := range workers + 1 {
			r, err := nn.NewRunner(s)
			if err != nil {
				return nil, done, err
			}
			row.Algo = r.ConvAlgos().String()
			run := func() error { _, err := r.Forward(img); return err }
			if i == 0 {
				row.run = run
			} else {
				row.all = append(row.all, run)
			}
		}
		rows = append(rows, row)
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
		bound, _ := BoundFLOPs(o.s)
		row := &Row{Name: o.name, FLOPs: f, Bound: bound, Algo: "ONNX Runtime's own"}
		rows = append(rows, row)
		m, err := ortModel(o.s, lib, 1)
		if err != nil {
			row.Err = err
			continue
		}
		closers = append(closers, m)
		out := make([]float32, m.OutLen())
		row.run = func() error { return m.RunTo(out, img) }
		if workers == 0 {
			continue
		}
		// The all-cores figure as ONNX Runtime is usually run: one session
		// whose intra-op pool spans the cores, one image at a time.
		mp, err := ortModel(o.s, lib, workers)
		if err != nil {
			return nil, done, fmt.Errorf("%s, %d threads: %w", o.name, workers, err)
		}
		closers = append(closers, mp)
		outp := make([]float32, mp.OutLen())
		row.Workers = 1
		row.all = []func() error{func() error { return mp.RunTo(outp, img) }}
	}
	return rows, done, nil
}

func errorOf(err error) string {
	if err == nil {
		return "unknown"
	}
	return err.Error()
}

// sessionRow times e's Classify on one session, and on workers more
// sessions at once for the all-cores figure.
func sessionRow(name string, e *engine.Engine, img []float32, workers int, opt nn.Options) (*Row, error) {
	f, err := EngineFLOPs(e)
	if err != nil {
		return nil, err
	}
	bound, err := EngineBoundFLOPs(e)
	if err != nil {
		return nil, err
	}
	row := &Row{Name: name, FLOPs: f, Bound: bound, Workers: workers}
	for i := range workers + 1 {
		s, err := e.NewSessionOptions(opt)
		if err != nil {
			return nil, err
		}
		row.Algo = s.ConvAlgos().String()
		run := func() error { _, err := s.Classify(img); return err }
		if i == 0 {
			row.run = run
		} else {
			row.all = append(row.all, run)
		}
	}
	return row, nil
}

func ortModel(s *nn.Stack, lib string, threads int) (*onnxrt.Model, error) {
	data, err := onnxexport.Export(s, onnxexport.Options{})
	if err != nil {
		return nil, err
	}
	return onnxrt.New(data, onnxrt.Options{Library: lib, Threads: threads})
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
	err := benchrun.Rounds(len(live), func(i int) (bool, error) {
		r := live[i]
		for range perRound {
			t0 := time.Now()
			if err := r.run(); err != nil {
				return false, fmt.Errorf("%s: %w", r.Name, err)
			}
			d := time.Since(t0)
			r.samples = append(r.samples, d)
			spent[i] += d
		}
		return spent[i] < per, nil
	})
	if err != nil {
		return err
	}
	for _, r := range live {
		r.P50, r.Min = benchrun.Percentile(r.samples, 0.5), benchrun.Percentile(r.samples, 0)
	}
	return nil
}
