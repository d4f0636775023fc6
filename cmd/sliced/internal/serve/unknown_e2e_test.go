package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/glyphs"
	"github.com/sliced-ai/sliced/calibration/synth"
)

// TestUnknownsCountedPerSource runs the daemon on the default engine with
// two folder sources, one of camera-like digits and one of letters no class
// matches: sliced_pipeline_unknown_total is exported for both sources (at
// 0 where nothing was unknown), and for the letters it counts exactly the
// frames that /v1/classify answers unknown.
func TestUnknownsCountedPerSource(t *testing.T) {
	bin := binary(t, "")
	_, test, err := dataset.LoadMNIST("")
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	var digitImgs [][]float32
	for i := 0; i < 20; i++ {
		digitImgs = append(digitImgs, test.Image(synth.FrameDigit(i, 20, test.Len())))
	}
	letterImgs, _ := shapeImages(t, []rune("EHMRTY"), glyphs.LiberationFonts, 4, 3)
	dir := t.TempDir()
	write := func(name string, frames [][]byte) string {
		d := filepath.Join(dir, name)
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, f := range frames {
			if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("%03d.jpg", i)), f, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	digits, letters := jpegFrames(t, digitImgs, 41), jpegFrames(t, letterImgs, 42)
	// No fps: a folder read as fast as it decodes waits for inference
	// instead of dropping frames, so every frame is counted.
	p := start(t, bin, nil, "--state-dir", filepath.Join(dir, "state"),
		"--source", "digits=dir:"+write("digits", digits)+",loop=false",
		"--source", "letters=dir:"+write("letters", letters)+",loop=false")

	for src, n := range map[string]int{"digits": len(digits), "letters": len(letters)} {
		p.waitMetric(src+" read once", "sliced_pipeline_frames_total", map[string]string{"source": src}, func(v float64) bool { return v == float64(n) })
	}
	fams := p.metrics()
	series := func(src string) int {
		return len(samples(fams, "sliced_pipeline_unknown_total", map[string]string{"source": src}))
	}
	if series("digits") != 1 || series("letters") != 1 {
		t.Fatalf("sliced_pipeline_unknown_total: %d series for digits, %d for letters, want one each", series("digits"), series("letters"))
	}
	_, asked := score(p, letters, make([]string, len(letters)))
	want := asked * float64(len(letters))
	got := value(fams, "sliced_pipeline_unknown_total", map[string]string{"source": "letters"})
	t.Logf("unknown: %v of %d digit frames, %v of %d letter frames (/v1/classify: %v)",
		value(fams, "sliced_pipeline_unknown_total", map[string]string{"source": "digits"}), len(digits), got, len(letters), want)
	if got != want {
		t.Errorf("letters: %v unknown counted, /v1/classify answered %v of the same frames unknown", got, want)
	}
	if got < float64(len(letters))/2 {
		t.Errorf("letters: %v of %d unknown, want at least half", got, len(letters))
	}
	if d := value(fams, "sliced_pipeline_unknown_total", map[string]string{"source": "digits"}); d > 2 {
		t.Errorf("digits: %v of %d unknown, want at most 2", d, len(digits))
	}
}
