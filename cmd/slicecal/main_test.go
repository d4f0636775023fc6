package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// fixtureMNIST writes a small MNIST-shaped idx set whose class is the row
// of a bright horizontal bar, so a network can learn it in one epoch.
func fixtureMNIST(t *testing.T, nTrain, nTest int) string {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(1, 1))
	write := func(prefix string, n int) {
		img := make([]byte, n*28*28)
		lab := make([]byte, n)
		for i := range n {
			c := i % 10
			lab[i] = byte(c)
			row := 3 + 2*c
			for x := 4; x < 24; x++ {
				img[i*784+row*28+x] = byte(200 + r.IntN(56))
			}
		}
		for _, f := range []struct {
			name string
			dims []int
			data []byte
		}{{prefix + "-images-idx3-ubyte", []int{n, 28, 28}, img}, {prefix + "-labels-idx1-ubyte", []int{n}, lab}} {
			fh, err := os.Create(filepath.Join(dir, f.name))
			if err != nil {
				t.Fatal(err)
			}
			if err := dataset.WriteIDX(fh, f.dims, f.data); err != nil {
				t.Fatal(err)
			}
			fh.Close()
		}
	}
	write("train", nTrain)
	write("t10k", nTest)
	return dir
}

func TestTrainThenEval(t *testing.T) {
	data := fixtureMNIST(t, 200, 50)
	out := filepath.Join(t.TempDir(), "b8.slc")
	args := []string{"train", "--topology", "B", "--hidden", "8", "--epochs", "4", "--batch", "16", "--lr", "0.005",
		"--val-size", "20", "--data", data, "--out", out, "--quiet", "--seed", "3"}
	if code := run(args); code != 0 {
		t.Fatalf("train exited %d", code)
	}
	e, err := engine.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind() != "fullcnn" || e.Topology != "B" || len(e.Classes) != 10 || e.Stack.Params() != 31714 {
		t.Errorf("engine %s topology %s, %d classes, %d params", e.Kind(), e.Topology, len(e.Classes), e.Stack.Params())
	}
	_, test, _ := dataset.LoadMNIST(data)
	correct, err := scoreEngine(e, test, 2)
	if err != nil {
		t.Fatal(err)
	}
	if correct < 35 { // chance is 5
		t.Errorf("trained net gets %d of 50 fixture images", correct)
	}
	if code := run([]string{"eval", "--engine", out, "--data", data}); code != 0 {
		t.Errorf("eval exited %d", code)
	}

	// The same conv stack sliced, with the training images as prototypes:
	// eval scores it through the k-NN.
	train, _, _ := dataset.LoadMNIST(data)
	conv := e.Stack
	conv.Layers = conv.Layers[:models.ConvLayers(models.B)]
	dim := 5 * 5 * 64
	set := &knn.Set{K: 3, Metric: knn.L2, Dim: dim, Classes: train.Classes}
	r, err := nn.NewRunner(&conv)
	if err != nil {
		t.Fatal(err)
	}
	for i := range train.Len() {
		f, err := r.Forward(train.Image(i))
		if err != nil {
			t.Fatal(err)
		}
		set.Vectors = append(set.Vectors, f...)
		set.Labels = append(set.Labels, train.Labels[i])
	}
	sliced := filepath.Join(t.TempDir(), "sliced.slc")
	if err := engine.Save(sliced, &engine.Engine{Name: "t", Topology: "B", Stack: conv, KNN: set, WeightType: engine.F32, ProtoType: engine.F32}); err != nil {
		t.Fatal(err)
	}
	se, err := engine.Load(sliced)
	if err != nil {
		t.Fatal(err)
	}
	if correct, err := scoreEngine(se, test, 2); err != nil || correct < 35 {
		t.Errorf("sliced engine gets %d of 50, %v", correct, err)
	}
	if code := run([]string{"eval", "--engine", sliced, "--data", data}); code != 0 {
		t.Errorf("eval of the sliced engine exited %d", code)
	}
}

func TestExitCodes(t *testing.T) {
	cases := map[string]struct {
		args []string
		want int
	}{
		"no command":      {nil, 2},
		"unknown":         {[]string{"frobnicate"}, 2},
		"help":            {[]string{"help"}, 0},
		"bad flag":        {[]string{"train", "--nope"}, 2},
		"missing out":     {[]string{"train"}, 2},
		"missing engine":  {[]string{"eval"}, 2},
		"bad topology":    {[]string{"train", "--topology", "C", "--out", "x"}, 1},
		"no such engine":  {[]string{"eval", "--engine", filepath.Join(t.TempDir(), "none.slc")}, 1},
		"extra argument":  {[]string{"eval", "--engine", "x", "y"}, 2},
		"bad optimiser":   {[]string{"train", "--optimizer", "lbfgs", "--out", "x"}, 1},
		"no mnist folder": {[]string{"train", "--data", t.TempDir(), "--out", "x"}, 1},
	}
	for name, c := range cases {
		if got := run(c.args); got != c.want {
			t.Errorf("%s: exit %d, want %d", name, got, c.want)
		}
	}
}

func TestTrainIsReproducible(t *testing.T) {
	data := fixtureMNIST(t, 64, 10)
	dir := t.TempDir()
	file := func(name string, seed string) []byte {
		out := filepath.Join(dir, name)
		args := []string{"train", "--topology", "A", "--hidden", "8", "--epochs", "1", "--batch", "16",
			"--threads", "2", "--seed", seed, "--data", data, "--out", out, "--quiet", "--test-size", "-1"}
		if code := run(args); code != 0 {
			t.Fatalf("train exited %d", code)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b, c := file("a.slc", "7"), file("b.slc", "7"), file("c.slc", "8")
	if !bytes.Equal(a, b) {
		t.Error("two runs with --seed 7 wrote different engine files")
	}
	if bytes.Equal(a, c) {
		t.Error("--seed 7 and --seed 8 wrote the same engine file")
	}
}

// A --sets shape the engine may have trained on, or a set with a shape
// twice, is refused before anything is drawn or measured.
func TestEnrolmentRefusesBadSets(t *testing.T) {
	for _, sets := range []string{"AB", "ACE,", "AA", "7"} {
		if code := run([]string{"enrolment", "--sets", sets, "--data", t.TempDir()}); code == 0 {
			t.Errorf("--sets %q exited 0", sets)
		}
	}
}
