package build

import (
	"fmt"
	"io"
	"runtime"

	"github.com/sliced-ai/sliced/calibration/evolve"
	"github.com/sliced-ai/sliced/calibration/train"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// Config is one build. The fields tagged json:"-" are not part of what a
// work folder is checked against on a resume: they do not change the
// engine (the images are checked by their fingerprint).
type Config struct {
	Folder string   `json:"-"` // class-per-folder tree of images
	Input  nn.Shape // engine input, C 1 (gray) or 3 (RGB)
	Mode   engine.PrepMode
	Fit    engine.Fit

	ValShare, TestShare float64 // per class, of all its images
	Seed                uint64
	// Augment adds this many copies of every training image, each turned
	// (up to 10 degrees), shifted (up to 6 % of the side) and scaled (up
	// to 10 %), for training and prototypes.
	Augment int

	Topology models.Topology
	Hidden   int // dense units of the trained network's head
	Epochs   int // backprop epochs; 0 with an evolutionary method: random kernels
	Batch    int
	LR       float64 // Adam's step size

	Method      string // "backprop", "cmaes" or "pso"
	Generations int    // per filter, for cmaes and pso

	Budget      int   // largest engine file in bytes, 0: none
	Dims        []int // projection sizes to try
	PerClass    []int // prototypes per class to try
	K           int
	LearnEpochs int     // epochs that learn projection and prototypes together
	Quantile    float64 // open-set calibration: share of a class's validation images inside its radius

	WeightType engine.DType // conv weights
	ProtoType  engine.DType // prototypes and projection
	Name       string       // engine name stored in the file
	Threads    int          // training workers (the weights depend on it)

	Work           string                `json:"-"` // work folder
	MaxPixels      int                   `json:"-"` // decoder limit, 0: imageio's default
	Log            io.Writer             `json:"-"` // stage lines
	TrainProgress  func(train.Status)    `json:"-"` // after every mini-batch
	EvolveProgress func(evolve.Progress) `json:"-"` // after every generation
}

// Defaults is the configuration `slicecal build` starts from.
func Defaults() Config {
	return Config{
		Input: nn.Shape{C: 3, H: 32, W: 32}, Mode: engine.PrepROI, Fit: engine.FitLetterbox,
		ValShare: 0.1, TestShare: 0.2, Seed: 1, Augment: 1,
		Topology: models.B, Hidden: 64, Epochs: 15, Batch: 64,
		Method: "backprop", Generations: 10,
		Budget: 256 << 10, Dims: []int{16, 24, 32}, PerClass: []int{10, 20}, K: 9, LearnEpochs: 20, Quantile: 0.99,
		WeightType: engine.I8, ProtoType: engine.I8, Threads: runtime.GOMAXPROCS(0),
	}
}

func (c *Config) check() error {
	switch {
	case c.Folder == "":
		return fmt.Errorf("build: no image folder")
	case c.Work == "":
		return fmt.Errorf("build: no work folder")
	case c.Input.C != 1 && c.Input.C != 3:
		return fmt.Errorf("build: input of %d channels, want 1 (gray) or 3 (RGB)", c.Input.C)
	case c.Mode != engine.PrepROI && c.Mode != engine.PrepWhole:
		return fmt.Errorf("build: preprocessing %s, want roi or whole", c.Mode)
	case c.Fit > engine.FitStretch:
		return fmt.Errorf("build: unknown %s", c.Fit)
	case c.Hidden < 1 || c.Hidden > 4096:
		return fmt.Errorf("build: %d hidden units, want 1..4096", c.Hidden)
	case c.Augment < 0 || c.Augment > 100:
		return fmt.Errorf("build: %d augmented copies, want 0..100", c.Augment)
	case c.Epochs < 0 || c.Epochs > 10000:
		return fmt.Errorf("build: %d epochs", c.Epochs)
	case c.Batch < 1 || c.Batch > 1<<16:
		return fmt.Errorf("build: batch size %d", c.Batch)
	case c.LR < 0:
		return fmt.Errorf("build: learning rate %g", c.LR)
	case c.Generations < 1 && c.Method != "backprop":
		return fmt.Errorf("build: %d generations", c.Generations)
	case c.Budget < 0:
		return fmt.Errorf("build: budget %d bytes", c.Budget)
	case len(c.Dims) == 0 || len(c.PerClass) == 0:
		return fmt.Errorf("build: no projection sizes or prototype counts to try")
	case c.K < 1:
		return fmt.Errorf("build: k %d", c.K)
	case c.LearnEpochs < 0:
		return fmt.Errorf("build: %d learning epochs", c.LearnEpochs)
	case !(c.Quantile > 0 && c.Quantile <= 1):
		return fmt.Errorf("build: calibration quantile %g, want (0, 1]", c.Quantile)
	case c.Threads < 1 || c.Threads > 256:
		return fmt.Errorf("build: %d threads", c.Threads)
	}
	switch c.Method {
	case "backprop":
		if c.Epochs == 0 {
			return fmt.Errorf("build: backprop with 0 epochs trains nothing")
		}
	case "cmaes", "pso":
	default:
		return fmt.Errorf("build: unknown method %q (want backprop, cmaes or pso)", c.Method)
	}
	if c.Topology != models.A && c.Topology != models.B {
		return fmt.Errorf("build: unknown topology %q (want A or B)", c.Topology)
	}
	conv := models.ConvStackFor(c.Topology, c.Input)
	if out, err := conv.Out(); err != nil || out.Len() <= 0 {
		return fmt.Errorf("build: input %dx%dx%d is too small for topology %s's conv stack", c.Input.H, c.Input.W, c.Input.C, c.Topology)
	}
	return nil
}

func (c *Config) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format+"\n", args...)
	}
}
