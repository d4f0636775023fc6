package synth

import (
	"bytes"
	"testing"

	"github.com/sliced-ai/sliced/engine/imageio"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

// A default camera-like frame: 640x480, JPEG.
func benchJPEG(b *testing.B) []byte {
	_, test := testDigits(b)
	_, data, err := Render(test.Image(0), test.Labels[0], 1, DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkDecodeJPEG640x480(b *testing.B) {
	data := benchJPEG(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := imageio.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// Preprocessing alone, on the decoded frame (its Y plane is used as is).
func BenchmarkPreprocessCameraFrame(b *testing.B) {
	img, _, err := imageio.Decode(bytes.NewReader(benchJPEG(b)))
	if err != nil {
		b.Fatal(err)
	}
	p := preprocess.New()
	dst := make([]float32, preprocess.Size*preprocess.Size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Image(dst, img); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRender640x480(b *testing.B) {
	_, test := testDigits(b)
	for i := 0; i < b.N; i++ {
		if _, _, err := Render(test.Image(i%100), test.Labels[i%100], uint64(i), DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}
