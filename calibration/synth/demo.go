package synth

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/sliced-ai/sliced/engine/imageio"
)

// DemoOptions are the camera-like demo frames: 320x240 so that a frame is
// a few KB, the digit 2-6x MNIST size, mild noise.
func DemoOptions() Options {
	return Options{
		Width: 320, Height: 240,
		MinScale: 2, MaxScale: 6,
		MaxAngle:   10,
		MinQuality: 70, MaxQuality: 85,
		MaxNoise:    3,
		MaxGradient: 0.3,
	}
}

// VideoOptions are the demo video's frames: 640x480 camera-like frames
// with little noise, so that 100 frames stay near 1 MB.
func VideoOptions() Options {
	o := DefaultOptions()
	o.MinScale, o.MaxScale = 4, 9
	o.MinQuality, o.MaxQuality = 60, 70
	o.MaxNoise = 1.5
	return o
}

// The demo set: MNIST-sized digits in PNG and PGM, camera-like frames in
// JPEG and PNG.
const (
	demoPNG28   = 14
	demoPGM28   = 4
	demoJPEG    = 20
	demoPNGCam  = 2
	videoDigits = 10
	videoEach   = 10 // frames per digit
	videoFPS    = 10
)

// WriteDemo writes the demo input into dir: a few dozen images named
// NN-kind-label.ext, an index.tsv of "path<TAB>label" lines (paths
// relative to dir), and demo.avi, an MJPEG video of 100 camera-like
// frames showing ten digits in turn. images and labels are 28x28 digits
// as dataset.Set holds them; seed picks the digits and draws the frames.
func WriteDemo(dir string, images []float32, labels []int, seed uint64) error {
	const px = Side * Side
	if len(labels) == 0 || len(images) != len(labels)*px {
		return fmt.Errorf("synth: %d values for %d labelled images", len(images), len(labels))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 0xde30))
	pick := func() int { return rng.IntN(len(labels)) }
	var index strings.Builder
	n := 0
	write := func(kind string, label int, data []byte, ext string) error {
		name := fmt.Sprintf("%02d-%s-%d.%s", n, kind, label, ext)
		n++
		fmt.Fprintf(&index, "%s\t%d\n", name, label)
		return os.WriteFile(filepath.Join(dir, name), data, 0o644)
	}

	for i := 0; i < demoPNG28+demoPGM28; i++ {
		k := pick()
		img := digitImage(images[k*px : (k+1)*px])
		var buf bytes.Buffer
		ext, err := "png", error(nil)
		if i < demoPNG28 {
			err = png.Encode(&buf, img)
		} else {
			ext, err = "pgm", imageio.EncodePGM(&buf, img)
		}
		if err == nil {
			err = write("mnist", labels[k], buf.Bytes(), ext)
		}
		if err != nil {
			return err
		}
	}
	for i := 0; i < demoJPEG+demoPNGCam; i++ {
		k := pick()
		o := DemoOptions()
		if i >= demoJPEG {
			o.MaxNoise = 1 // noise is what makes a PNG large
		}
		f, data, err := Render(images[k*px:(k+1)*px], labels[k], rng.Uint64(), o)
		ext := "jpg"
		if err == nil && i >= demoJPEG {
			var buf bytes.Buffer
			ext, err = "png", png.Encode(&buf, grayOf(f.Image))
			data = buf.Bytes()
		}
		if err == nil {
			err = write("camera", labels[k], data, ext)
		}
		if err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "index.tsv"), []byte(index.String()), 0o644); err != nil {
		return err
	}
	digits := make([]int, videoDigits)
	for i := range digits {
		digits[i] = pick()
	}
	var avi bytes.Buffer
	if err := Video(&avi, images, labels, digits, videoEach, rng.Uint64()); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "demo.avi"), avi.Bytes(), 0o644)
}

// Video writes an MJPEG AVI (VideoOptions frames, 10 fps) showing each of
// the digits at index digits for each frames, the paper drifting a little
// and the noise changing from frame to frame, as a hand-held sheet would.
func Video(w io.Writer, images []float32, labels []int, digits []int, each int, seed uint64) error {
	const px = Side * Side
	o := VideoOptions()
	var frames [][]byte
	for j, k := range digits {
		if k < 0 || k >= len(labels) {
			return fmt.Errorf("synth: digit index %d of %d", k, len(labels))
		}
		sceneRng := rand.New(rand.NewPCG(seed, uint64(j)))
		sc := newScene(sceneRng, o)
		phase := sceneRng.Float64() * 2 * math.Pi
		for i := 0; i < each; i++ {
			noise := rand.New(rand.NewPCG(seed, uint64(j)<<32|uint64(i)+1))
			t := float64(i)/3 + phase
			f := sc.draw(images[k*px:(k+1)*px], labels[k], o, noise, 4*math.Sin(t), 3*math.Cos(t))
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, grayOf(f.Image), &jpeg.Options{Quality: f.Quality}); err != nil {
				return err
			}
			frames = append(frames, buf.Bytes())
		}
	}
	return WriteAVI(w, frames, o.Width, o.Height, videoFPS)
}

// digitImage is a 28x28 digit as an 8-bit gray image.
func digitImage(d []float32) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, Side, Side))
	for i, v := range d {
		img.Pix[i] = clamp8(float64(v) * 255)
	}
	return img
}

// grayOf converts a frame to gray: smaller files, and what sliced uses.
func grayOf(m *image.RGBA) *image.Gray {
	g := image.NewGray(m.Rect)
	for i := range g.Pix {
		r, gr, b := m.Pix[4*i], m.Pix[4*i+1], m.Pix[4*i+2]
		g.Pix[i] = byte((19595*uint32(r) + 38470*uint32(gr) + 7471*uint32(b) + 1<<15) >> 16)
	}
	return g
}
