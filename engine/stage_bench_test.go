package engine_test

import (
	"fmt"
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// stageInput is an MNIST test digit (a blank image without the data set),
// and the default engine's conv features and projection of it.
func stageInput(b testing.TB) (e *engine.Engine, in, conv, feat []float32) {
	e, err := models.Default()
	if err != nil {
		b.Fatal(err)
	}
	in = make([]float32, 28*28)
	if _, test, err := dataset.LoadMNIST(""); err == nil {
		in = test.Image(0)
	}
	r, err := nn.NewRunner(&e.Stack)
	if err != nil {
		b.Fatal(err)
	}
	out, err := r.Forward(in)
	if err != nil {
		b.Fatal(err)
	}
	conv = append([]float32(nil), out...)
	feat = make([]float32, e.Proj.Out)
	e.Proj.Apply(feat, conv, make([]float32, e.Proj.In))
	return e, in, conv, feat
}

// BenchmarkStage splits the default engine's Session.Classify into its
// parts: the conv stack, the projection (float32, and as a session runs
// it), the k-NN search with its vote and the open-set rule. Classify minus
// Conv is what the k-NN stage costs.
func BenchmarkStage(b *testing.B) {
	e, in, conv, feat := stageInput(b)
	b.Run("Conv", func(b *testing.B) {
		r, err := nn.NewRunner(&e.Stack)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.Forward(in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Projection", func(b *testing.B) {
		out, scratch := make([]float32, e.Proj.Out), make([]float32, e.Proj.In)
		b.ReportAllocs()
		for b.Loop() {
			e.Proj.Apply(out, conv, scratch)
		}
	})
	b.Run("ProjectionSession", func(b *testing.B) {
		// What Classify runs: the int16 product where the machine has it.
		sess, err := e.NewSession()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		sess.Project(conv)
		for b.Loop() {
			sess.Project(conv)
		}
	})
	s := knn.NewSearcher(e.KNN)
	b.Run("Search", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Classify(feat); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Known", func(b *testing.B) {
		r, err := s.Classify(feat)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			e.KNN.Known(feat, r, engine.DefaultUnknownScale)
		}
	})
	b.Run("Classify", func(b *testing.B) {
		sess, err := e.NewSession()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sess.Classify(in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkClassifyViews is Classify over the first 1,000 MNIST test
// digits in turn, with the frame alone and with the default views: what
// the views cost on average, where only answers near a radius take them.
func BenchmarkClassifyViews(b *testing.B) {
	e, err := models.Default()
	if err != nil {
		b.Fatal(err)
	}
	_, test, err := dataset.LoadMNIST("")
	if err != nil {
		b.Skipf("MNIST not available: %v", err)
	}
	for _, views := range []int{1, engine.DefaultUnknownViews} {
		b.Run(fmt.Sprintf("views=%d", views), func(b *testing.B) {
			s, err := e.NewSession()
			if err != nil {
				b.Fatal(err)
			}
			s.UnknownViews = views
			i := 0
			for b.Loop() {
				if _, err := s.Classify(test.Image(i % 1000)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
