package build

import (
	"bytes"
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sliced-ai/sliced/calibration/build/buildtest"
	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/evolve"
	"github.com/sliced-ai/sliced/calibration/train"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/imageio"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

var (
	folderOnce sync.Once
	folderDir  string
	folderErr  error
)

// smallFolder is 4 classes x 60 images, shared by the tests.
func smallFolder(t *testing.T) string {
	t.Helper()
	folderOnce.Do(func() {
		folderDir, folderErr = os.MkdirTemp("", "buildtest")
		if folderErr == nil {
			folderErr = buildtest.WriteFolder(folderDir, buildtest.Options{Classes: 4, PerClass: 60, Size: 20, Seed: 2})
		}
	})
	if folderErr != nil {
		t.Fatal(folderErr)
	}
	return folderDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if folderDir != "" {
		os.RemoveAll(folderDir)
	}
	os.Exit(code)
}

func smallConfig(t *testing.T) Config {
	cfg := Defaults()
	cfg.Folder, cfg.Work = smallFolder(t), filepath.Join(t.TempDir(), "work")
	cfg.Input = nn.Shape{C: 3, H: 16, W: 16}
	cfg.Epochs, cfg.Batch, cfg.Hidden, cfg.LR = 8, 16, 16, 3e-3
	cfg.Dims, cfg.PerClass, cfg.LearnEpochs = []int{8, 12}, []int{3, 5}, 3
	cfg.Threads = 2
	return cfg
}

func TestBuild(t *testing.T) {
	cfg := smallConfig(t)
	var log bytes.Buffer
	cfg.Log = &log
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	e := res.Engine
	if e.Stack.In != cfg.Input || e.Prep.Mode != engine.PrepROI || e.Prep.Fit != engine.FitLetterbox || len(e.Prep.Mean) != 3 || len(e.Prep.Scale) != 3 {
		t.Errorf("engine input %v, prep %+v", e.Stack.In, e.Prep)
	}
	if e.KNN == nil || e.KNN.Open == nil || len(e.KNN.Open.Means) == 0 {
		t.Error("no Gaussian open-set calibration")
	}
	if res.Train+res.Val+res.Test != 240 || res.Test != 48 || res.Val != 24 || res.Resumed {
		t.Errorf("split %d/%d/%d, resumed %v", res.Train, res.Val, res.Test, res.Resumed)
	}
	if res.Bytes > cfg.Budget || e.Name != filepath.Base(cfg.Folder)+"-backprop" {
		t.Errorf("%d bytes, name %q", res.Bytes, e.Name)
	}
	near, open := res.Heldout.Accuracy()
	if near < 0.6 || open > near {
		t.Errorf("held-out accuracy %.2f, %.2f with unknown wrong\n%s", near, open, log.String())
	}
	// The daemon's preprocessing of an image file, from the engine's PREP
	// section, gives the tensor the build trained and scored on.
	all, _, err := dataset.LoadScenes(cfg.Folder, dataset.SceneOptions{Scene: engine.Preprocess{Fit: e.Prep.Fit}.Scene(e.Stack.In)})
	if err != nil {
		t.Fatal(err)
	}
	all.Normalize(e.Prep.Mean, e.Prep.Scale)
	files, _ := filepath.Glob(filepath.Join(cfg.Folder, all.Classes[0], "*"))
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := imageio.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	daemon := make([]float32, e.Stack.In.Len())
	if _, err := preprocess.New().SceneImage(daemon, img, image.Rectangle{}, e.Prep.Scene(e.Stack.In)); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(daemon, all.Image(0)) {
		t.Error("the daemon's preprocessing of a training file differs from the build's")
	}

	var md bytes.Buffer
	if err := res.Heldout.WriteMarkdown(&md); err != nil || !strings.Contains(md.String(), "| **all** | 48 |") || strings.Count(md.String(), "\n") != 7 {
		t.Errorf("table:\n%s", md.String())
	}
	png := filepath.Join(t.TempDir(), "c.png")
	if err := res.Heldout.WritePlot(png, "test"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(png); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("confusion plot: %v", err)
	}
}

// stopAt cancels the build when its log shows a line containing marker.
type stopAt struct {
	marker string
	cancel context.CancelFunc
	buf    bytes.Buffer
}

func (s *stopAt) Write(p []byte) (int, error) {
	s.buf.Write(p)
	if bytes.Contains(p, []byte(s.marker)) {
		s.cancel()
	}
	return len(p), nil
}

// interrupted runs cfg until its log shows marker, then again to the end,
// and returns the engine's bytes.
func interrupted(t *testing.T, cfg Config, marker string) []byte {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := &stopAt{marker: marker, cancel: cancel}
	cfg.Log = stop
	if _, err := Run(ctx, cfg); !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped at %q: %v\n%s", marker, err, stop.buf.String())
	}
	var log bytes.Buffer
	cfg.Log = &log
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("resumed after %q: %v\n%s", marker, err, log.String())
	}
	if !res.Resumed || !strings.Contains(log.String(), "going on") && !strings.Contains(log.String(), "done before") {
		t.Errorf("resumed after %q without picking up the work folder:\n%s", marker, log.String())
	}
	return encoded(t, res.Engine)
}

func encoded(t *testing.T, e *engine.Engine) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := engine.Encode(&b, e); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A build stopped after a training epoch, or in the middle of the
// prototype stage, and started again writes the same engine bytes as one
// that ran straight through.
func TestResumeGivesSameEngine(t *testing.T) {
	cfg := smallConfig(t)
	whole, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := encoded(t, whole.Engine)
	for _, marker := range []string{"train: epoch 2/", "prototypes: dim 8, 5 per class"} {
		c := cfg
		c.Work = filepath.Join(t.TempDir(), "work")
		if got := interrupted(t, c, marker); !bytes.Equal(got, want) {
			t.Errorf("stopped at %q: the resumed build's engine differs", marker)
		}
	}
}

// The evolutionary search stopped after some generations goes on from
// its checkpoint to the same kernels.
func TestResumeEvolve(t *testing.T) {
	cfg := smallConfig(t)
	cfg.Method, cfg.Generations, cfg.Epochs = "pso", 2, 2
	cfg.Dims, cfg.PerClass, cfg.LearnEpochs = []int{8}, []int{3}, 0
	whole, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := encoded(t, whole.Engine)
	c := cfg
	c.Work = filepath.Join(t.TempDir(), "work")
	gens := 0
	ctx, cancel := context.WithCancel(context.Background())
	c.EvolveProgress = func(p evolve.Progress) {
		if gens++; gens == 40 {
			cancel()
		}
	}
	if _, err := Run(ctx, c); !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped search: %v", err)
	}
	c.EvolveProgress = nil
	res, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(encoded(t, res.Engine), want) {
		t.Error("the resumed search's engine differs")
	}
}

func TestWorkFolderOfOtherSettings(t *testing.T) {
	cfg := smallConfig(t)
	cfg.Epochs = 1
	ctx, cancel := context.WithCancel(context.Background())
	cfg.TrainProgress = func(s train.Status) {
		if s.EpochDone {
			cancel()
		}
	}
	if _, err := Run(ctx, cfg); !errors.Is(err, context.Canceled) {
		t.Fatalf("first run: %v", err)
	}
	cfg.TrainProgress = nil
	other := cfg
	other.Seed = 2
	if _, err := Run(context.Background(), other); err == nil || !strings.Contains(err.Error(), "other settings") {
		t.Errorf("work folder of seed 1 used for seed 2: %v", err)
	}
	// A build that failed in the prototype stage goes on with other
	// prototype settings from its trained network.
	cfg.Budget = 1000
	if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "no option set fits") {
		t.Fatalf("tiny budget: %v", err)
	}
	var log bytes.Buffer
	cfg.Budget, cfg.Dims, cfg.Log = 0, []int{8}, &log
	if res, err := Run(context.Background(), cfg); err != nil || !res.Resumed || !strings.Contains(log.String(), "train: done before") {
		t.Errorf("rerun with a larger budget: %v\n%s", err, log.String())
	}
}

func TestConfigErrors(t *testing.T) {
	for name, change := range map[string]func(*Config){
		"two channels":    func(c *Config) { c.Input.C = 2 },
		"tiny input":      func(c *Config) { c.Input = nn.Shape{C: 1, H: 6, W: 6} },
		"digit mode":      func(c *Config) { c.Mode = engine.PrepDigit },
		"no epochs":       func(c *Config) { c.Epochs = 0 },
		"unknown method":  func(c *Config) { c.Method = "sgd" },
		"no dims":         func(c *Config) { c.Dims = nil },
		"quantile":        func(c *Config) { c.Quantile = 0 },
		"no folder":       func(c *Config) { c.Folder = "" },
		"missing folder":  func(c *Config) { c.Folder = filepath.Join(c.Work, "nothing") },
		"budget too tiny": func(c *Config) { c.Budget = 1000 },
	} {
		cfg := smallConfig(t)
		cfg.Epochs = 1
		change(&cfg)
		if _, err := Run(context.Background(), cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
