package build

import (
	"bytes"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
)

// The work folder's files, one per stage (and the training epochs).
const (
	settingsFile = "build.json"
	trainFile    = "train.ckpt"  // weights and trainer state after the last epoch
	trainedFile  = "trained.gob" // the trained full CNN: training is done
	evolveFile   = "evolve.ckpt" // calibration/evolve's checkpoint
	evolvedFile  = "evolved.gob" // the tuned conv stack: the search is done
	engineFile   = "engine.slc"  // prototypes and calibration are done
)

// workVersion changes whenever what a stage saves changes meaning.
const workVersion = 1

// settings is what a work folder belongs to: the configuration that
// shapes the conv stack, the one that shapes only the prototype stage,
// and a fingerprint of the images.
type settings struct {
	Version int
	Conv    Config
	Protos  protoSettings
	Images  string
}

// protoSettings are the settings only the prototype stage depends on; a
// rerun that changes them keeps the trained (and searched) conv stack.
type protoSettings struct {
	Mode                  engine.PrepMode
	Budget                int
	Dims, PerClass        []int
	K, LearnEpochs        int
	Quantile              float64
	WeightType, ProtoType engine.DType
	Name                  string
}

func settingsOf(cfg Config, images [32]byte) settings {
	p := protoSettings{Mode: cfg.Mode, Budget: cfg.Budget, Dims: cfg.Dims, PerClass: cfg.PerClass, K: cfg.K, LearnEpochs: cfg.LearnEpochs,
		Quantile: cfg.Quantile, WeightType: cfg.WeightType, ProtoType: cfg.ProtoType, Name: cfg.Name}
	conv := cfg
	conv.Mode, conv.Budget, conv.Dims, conv.PerClass, conv.K, conv.LearnEpochs = 0, 0, nil, nil, 0, 0
	conv.Quantile, conv.WeightType, conv.ProtoType, conv.Name = 0, 0, 0, ""
	if cfg.Method != "backprop" {
		conv.K = cfg.K // the search's fitness is a k-NN
	}
	return settings{Version: workVersion, Conv: conv, Protos: p, Images: hex.EncodeToString(images[:])}
}

// openWork makes the work folder or checks that the one there belongs to
// this configuration and these images. It reports whether one was found.
// A folder whose prototype settings differ keeps its conv stack and
// loses its prototype stage.
func openWork(cfg Config, images [32]byte) (resumed bool, err error) {
	want := settingsOf(cfg, images)
	wantJSON, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		return false, err
	}
	path := filepath.Join(cfg.Work, settingsFile)
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if bytes.Equal(data, wantJSON) {
			return true, nil
		}
		var have settings
		json.Unmarshal(data, &have)
		have.Protos = want.Protos
		if haveJSON, err := json.MarshalIndent(have, "", "  "); err != nil || !bytes.Equal(haveJSON, wantJSON) {
			return false, fmt.Errorf("build: work folder %s holds a build of other settings or images; remove it, or pick another work folder", cfg.Work)
		}
		cfg.logf("work: prototype settings changed; keeping the conv stack of %s, redoing the prototypes", cfg.Work)
		if err := os.Remove(filepath.Join(cfg.Work, engineFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return false, err
		}
		return true, writeAtomic(path, wantJSON)
	case !errors.Is(err, fs.ErrNotExist):
		return false, fmt.Errorf("build: work folder: %w", err)
	}
	if err := os.MkdirAll(cfg.Work, 0o755); err != nil {
		return false, fmt.Errorf("build: work folder: %w", err)
	}
	return false, writeAtomic(path, wantJSON)
}

// weights are the trainable tensors of a stack, layer by layer.
type weights struct {
	W, B [][]float32
}

func weightsOf(s *nn.Stack) weights {
	var w weights
	for _, l := range s.Layers {
		w.W, w.B = append(w.W, l.W), append(w.B, l.B)
	}
	return w
}

// into copies w into s, which must have the same layers.
func (w weights) into(s *nn.Stack) error {
	if len(w.W) != len(s.Layers) || len(w.B) != len(s.Layers) {
		return fmt.Errorf("build: saved weights for %d layers, the network has %d", len(w.W), len(s.Layers))
	}
	for i := range s.Layers {
		l := &s.Layers[i]
		if len(w.W[i]) != len(l.W) || len(w.B[i]) != len(l.B) {
			return fmt.Errorf("build: saved layer %d has %d weights, the network's %d", i, len(w.W[i]), len(l.W))
		}
		copy(l.W, w.W[i])
		copy(l.B, w.B[i])
	}
	return nil
}

func saveGob(path string, v any) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return fmt.Errorf("build: %s: %w", filepath.Base(path), err)
	}
	return writeAtomic(path, buf.Bytes())
}

// loadGob reads a stage's file into v; found is false when there is none.
func loadGob(path string, v any) (found bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(v); err != nil {
		return false, fmt.Errorf("build: %s is damaged (%v); remove the work folder to start over", path, err)
	}
	return true, nil
}

// writeAtomic replaces path with data so that a crash leaves either the
// old file or the new one, never a torn one.
func writeAtomic(path string, data []byte) error {
	if err := engine.WriteFileAtomic(path, data, 0o644); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	return nil
}
