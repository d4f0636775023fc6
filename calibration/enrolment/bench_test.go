package enrolment

import (
	"path/filepath"
	"testing"

	"github.com/sliced-ai/sliced/calibration/glyphs"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// BenchmarkEnrol20 is one enrolment of 20 preprocessed examples as the
// daemon does it: features, the new prototypes and radius, and the engine
// saved atomically. Target: <= 100 ms.
//
//	go test ./calibration/enrolment -run '^$' -bench Enrol20
func BenchmarkEnrol20(b *testing.B) {
	e, err := models.Default()
	if err != nil {
		b.Fatal(err)
	}
	frames, err := Shapes([]rune("A"), glyphs.GoFonts, 20, 1)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "engine.slc")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		after, err := Enrol(e, frames)
		if err != nil {
			b.Fatal(err)
		}
		if err := engine.Save(path, after); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClassifyEnrolled is one classification (conv stack, projection,
// search, vote) on the default engine and after 1,000 enrolled examples
// (40 examples of each of the 25 shapes of glyphs.Held). Target: the
// second within 1.2x the first.
//
//	go test ./calibration/enrolment -run '^$' -bench ClassifyEnrolled
func BenchmarkClassifyEnrolled(b *testing.B) {
	e, err := models.Default()
	if err != nil {
		b.Fatal(err)
	}
	frames, err := Shapes(glyphs.Held, glyphs.GoFonts, 40, 1)
	if err != nil {
		b.Fatal(err)
	}
	big, err := Enrol(e, frames)
	if err != nil {
		b.Fatal(err)
	}
	if n := big.KNN.Len() - e.KNN.Len(); n != 1000 {
		b.Fatalf("%d examples enrolled, want 1000", n)
	}
	query := frames[7].Tensor
	for _, c := range []struct {
		name string
		e    *engine.Engine
	}{{"default", e}, {"enrolled-1000", big}} {
		b.Run(c.name, func(b *testing.B) {
			s, err := c.e.NewSession()
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < b.N; i++ {
				if _, err := s.Classify(query); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
