package report

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine/knn"
)

// Config says where a report lives and how its rows run.
type Config struct {
	Out     string // report folder; rows are cached in Out/rows
	Data    string // MNIST idx folder ("": GoMNIST in the module cache)
	Quick   bool   // shrunken protocols for a seconds-long smoke run
	Threads int    // worker goroutines (0: GOMAXPROCS)
	Seed    uint64 // subsets, splits, initial weights, optimisers (0: 1)
	// The evolutionary rows' recipe. Init "trained" (the default) starts
	// the search at the conv kernels of network B/64 trained by backprop
	// for the protocol's epochs on the same training images; "random" at
	// He-normal draws, the paper's no-backprop setting. Generations per
	// block (0: 30), k (0: 9) and Metric ("": cosine) are those of the
	// fitness and of the engine.
	Init        string
	Generations int
	K           int
	Metric      string
	// Shifts is how many one-pixel shifted copies of every training image
	// (dataset.ShiftCopies) join the engine's prototypes on protocols of
	// at most 10000 training images (0: 8, -1: none); the fitness does
	// not use them. On 60000/10000 the copies would take gigabytes and
	// add little.
	Shifts int
	// FitnessQueries is the number of training images held out as fitness
	// queries; 0 (the default) scores leave-one-out on the fitness
	// prototypes instead.
	FitnessQueries int
	// FitnessProtos caps the prototypes the evolutionary fitness compares
	// against on protocols with more than 4000 training images (0: 3500,
	// -1: every remaining training image). The engine itself keeps every
	// training image as a prototype.
	FitnessProtos int
	Rerun         bool      // run the selected rows even when cached
	Log           io.Writer // progress lines (nil: none)
}

// Settings are everything a row's number depends on; a cached row is
// reused only when its settings equal the ones a run would use now.
type Settings struct {
	Train, Test   int
	Epochs        int    `json:",omitempty"` // backprop rows
	Batch         int    `json:",omitempty"`
	Generations   int    `json:",omitempty"` // evolutionary rows, per block
	Block         int    `json:",omitempty"`
	Population    int    `json:",omitempty"` // 0: the optimiser's default
	Queries, Val  int    `json:",omitempty"` // Queries 0: leave-one-out fitness
	FitnessProtos int    `json:",omitempty"`
	Init          string `json:",omitempty"` // evolutionary rows: trained (for Epochs) or random
	K             int    `json:",omitempty"`
	Metric        string `json:",omitempty"`
	Shifts        int    `json:",omitempty"` // shifted copies of each training image among the prototypes
	Threads       int
	Seed          uint64
	Quick         bool
}

// Result is one finished row, as cached in rows/<id>.json.
type Result struct {
	ID, Network, Protocol string
	Settings              Settings
	Accuracy              float64 // on the protocol's test images, 0..1
	Params                int     // weights and biases of the stack (conv only for sliced engines)
	EngineBytes           int     // engine file size, prototypes included
	Prototypes            int     `json:",omitempty"`
	WallSeconds           float64 // training or search plus scoring
	// Resumed: the search continued from a checkpoint; WallSeconds adds
	// the search time the checkpoint recorded (work lost after the last
	// checkpoint is not counted).
	Resumed   bool   `json:",omitempty"`
	Cores     int    // GOMAXPROCS while the row ran
	CPUs      int    // logical CPUs of the machine
	CPU       string `json:",omitempty"`
	GoVersion string
	Finished  time.Time
	// Conv holds a sliced row's tuned kernels, for the budget sweep.
	Conv []LayerWeights `json:",omitempty"`
}

// LayerWeights are one conv layer's kernels and biases.
type LayerWeights struct {
	W, B []float32
}

// Runner runs row specs and caches their results.
type Runner struct {
	cfg         Config
	train, test *dataset.Set
}

// NewRunner checks cfg and fills its defaults.
func NewRunner(cfg Config) (*Runner, error) {
	if cfg.Out == "" {
		return nil, errors.New("report: no output folder")
	}
	if cfg.Threads < 0 || cfg.Generations < 0 || cfg.K < 0 || cfg.FitnessQueries < 0 || cfg.FitnessProtos < -1 {
		return nil, fmt.Errorf("report: negative threads (%d), generations (%d), k (%d), fitness queries (%d) or fitness prototypes (%d)",
			cfg.Threads, cfg.Generations, cfg.K, cfg.FitnessQueries, cfg.FitnessProtos)
	}
	switch cfg.Init {
	case "":
		cfg.Init = "trained"
	case "trained", "random":
	default:
		return nil, fmt.Errorf("report: init %q (want trained or random)", cfg.Init)
	}
	if cfg.Metric == "" {
		cfg.Metric = "cosine"
	}
	if _, err := knn.ParseMetric(cfg.Metric); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if cfg.K == 0 {
		cfg.K = 9
	}
	switch {
	case cfg.Shifts == 0:
		cfg.Shifts = 8
	case cfg.Shifts < -1 || cfg.Shifts > dataset.MaxShiftCopies:
		return nil, fmt.Errorf("report: %d shifted copies (-1 for none, up to %d)", cfg.Shifts, dataset.MaxShiftCopies)
	}
	if cfg.Threads == 0 {
		cfg.Threads = runtime.GOMAXPROCS(0)
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Generations == 0 {
		cfg.Generations = 30
	}
	if cfg.FitnessProtos == 0 {
		cfg.FitnessProtos = 3500
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if err := os.MkdirAll(filepath.Join(cfg.Out, "rows"), 0o755); err != nil {
		return nil, err
	}
	return &Runner{cfg: cfg}, nil
}

// Settings are the settings a run of s would use.
func (r *Runner) Settings(s Spec) Settings {
	p := s.Protocol
	st := Settings{Train: p.Train, Test: p.Test, Threads: r.cfg.Threads, Seed: r.cfg.Seed, Quick: r.cfg.Quick}
	epochs := p.Epochs
	if r.cfg.Quick {
		st.Train, st.Test, epochs = max(200, p.Train/60), max(100, p.Test/20), max(1, p.Epochs/5)
	}
	if !s.Network.Sliced() {
		st.Epochs, st.Batch = epochs, 128
		return st
	}
	st.Generations, st.Block, st.Queries, st.Val = r.cfg.Generations, 1, r.cfg.FitnessQueries, 500
	st.Init, st.K, st.Metric = r.cfg.Init, r.cfg.K, r.cfg.Metric
	if r.cfg.Shifts > 0 && st.Train <= 10000 {
		st.Shifts = r.cfg.Shifts
	}
	if st.Init == "trained" {
		st.Epochs, st.Batch = epochs, 128
	}
	if r.cfg.Quick {
		st.Generations, st.Block, st.Population, st.Val = 2, 32, 8, st.Train/10
		if st.Queries > 0 {
			st.Queries = st.Train / 5
		}
	}
	if st.Train > 4000 && r.cfg.FitnessProtos > 0 {
		st.FitnessProtos = r.cfg.FitnessProtos
	}
	return st
}

// Run runs every spec that has no cached result with the same settings
// (all of them with Rerun), caching each as it finishes, and returns the
// results in spec order. It stops at the first failure or cancellation;
// rows finished by then stay cached.
func (r *Runner) Run(ctx context.Context, specs []Spec) ([]Result, error) {
	var out []Result
	for i, s := range specs {
		st := r.Settings(s)
		if !r.cfg.Rerun {
			if res, err := r.Cached(s); err == nil && res.Settings == st {
				fmt.Fprintf(r.cfg.Log, "[%d/%d] %s: cached, %.2f %%\n", i+1, len(specs), s.ID(), 100*res.Accuracy)
				out = append(out, *res)
				continue
			}
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
		fmt.Fprintf(r.cfg.Log, "[%d/%d] %s: running %+v\n", i+1, len(specs), s.ID(), st)
		res, err := r.runOne(ctx, s, st)
		if err != nil {
			return out, fmt.Errorf("report: row %s: %w", s.ID(), err)
		}
		if err := r.save(res); err != nil {
			return out, err
		}
		fmt.Fprintf(r.cfg.Log, "[%d/%d] %s: %.2f %% in %.1f s on %d cores\n", i+1, len(specs), s.ID(), 100*res.Accuracy, res.WallSeconds, res.Cores)
		out = append(out, *res)
	}
	return out, nil
}

func (r *Runner) runOne(ctx context.Context, s Spec, st Settings) (*Result, error) {
	if err := r.load(); err != nil {
		return nil, err
	}
	trainSet := r.train.Subset(st.Train, st.Seed)
	testSet := r.test.Subset(st.Test, st.Seed)
	res := &Result{ID: s.ID(), Network: s.Network.ID, Protocol: s.Protocol.ID, Settings: st,
		Cores: runtime.GOMAXPROCS(0), CPUs: runtime.NumCPU(), CPU: cpuModel(), GoVersion: runtime.Version()}
	start := time.Now()
	var err error
	if s.Network.Sliced() {
		err = r.evolveRow(ctx, s, st, trainSet, testSet, res)
	} else {
		err = r.trainRow(s, st, trainSet, testSet, res)
	}
	if err != nil {
		return nil, err
	}
	res.WallSeconds += time.Since(start).Seconds()
	res.Finished = time.Now().UTC().Truncate(time.Second)
	return res, nil
}

func (r *Runner) load() error {
	if r.train != nil {
		return nil
	}
	var err error
	r.train, r.test, err = dataset.LoadMNIST(r.cfg.Data)
	return err
}

// rowFile is the cache path of a row id ("B8/4000-1000-5ep" becomes
// rows/B8_4000-1000-5ep.json).
func (r *Runner) rowFile(id, ext string) string {
	return filepath.Join(r.cfg.Out, "rows", strings.ReplaceAll(id, "/", "_")+ext)
}

// Cached reads a row's cached result.
func (r *Runner) Cached(s Spec) (*Result, error) {
	data, err := os.ReadFile(r.rowFile(s.ID(), ".json"))
	if err != nil {
		return nil, err
	}
	var res Result
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, fmt.Errorf("report: %s: %w", r.rowFile(s.ID(), ".json"), err)
	}
	return &res, nil
}

// save writes a row atomically, so an interrupted write never leaves a
// half row that a later run would trust.
func (r *Runner) save(res *Result) error {
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	path := r.rowFile(res.ID, ".json")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// settingsKey is a short hash of st, naming checkpoints so a checkpoint of
// other settings is never resumed.
func settingsKey(st Settings) string {
	data, _ := json.Marshal(st)
	sum := sha256.Sum256(data)
	return fmt.Sprintf("%x", sum[:4])
}

// cpuModel is the processor name from /proc/cpuinfo, or "" elsewhere.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
