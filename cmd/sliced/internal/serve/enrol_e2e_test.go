package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/glyphs"
	"github.com/sliced-ai/sliced/calibration/synth"
)

// jpegFrames renders camera-like JPEG frames of 28x28 images.
func jpegFrames(t *testing.T, imgs [][]float32, seed uint64) [][]byte {
	t.Helper()
	var out [][]byte
	for i, img := range imgs {
		_, data, err := synth.Render(img, 0, synth.FrameSeed(seed, i), synth.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

func shapeImages(t *testing.T, shapes []rune, fonts []string, n int, seed uint64) (imgs [][]float32, names []string) {
	t.Helper()
	for si, r := range shapes {
		for j := 0; j < n; j++ {
			img, err := glyphs.MNIST(r, fonts[j%len(fonts)], seed<<32+uint64(si*1000+j), glyphs.DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			imgs, names = append(imgs, img), append(names, string(r))
		}
	}
	return imgs, names
}

type answer struct {
	Label string `json:"label"`
	Known bool   `json:"known"`
}

// score posts every frame to /v1/classify and returns the share answered
// with its name and the share answered unknown.
func score(p *proc, frames [][]byte, names []string) (right, unknown float64) {
	p.t.Helper()
	for i, f := range frames {
		code, body := p.request("POST", "/v1/classify", "", f)
		if code != 200 {
			p.t.Fatalf("classify: %d %s", code, body)
		}
		var a answer
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			p.t.Fatal(err)
		}
		switch {
		case !a.Known:
			unknown++
			if a.Label != "unknown" {
				p.t.Fatalf("an unknown answer named %q", a.Label)
			}
		case a.Label == names[i]:
			right++
		}
	}
	return right / float64(len(frames)), unknown / float64(len(frames))
}

func multipartBody(t *testing.T, frames [][]byte) ([]byte, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i, f := range frames {
		part, err := w.CreateFormFile("example", fmt.Sprintf("%d.jpg", i))
		if err != nil {
			t.Fatal(err)
		}
		part.Write(f)
	}
	w.Close()
	return b.Bytes(), w.FormDataContentType()
}

// Through the real daemon on the embedded engine: three letters enrolled
// with five camera-like frames each are recognised in other fonts, the
// digits keep their accuracy on frames never enrolled, shapes never
// enrolled are mostly unknown, the classes survive a restart, and bad
// enrolments change nothing.
func TestEnrolThroughTheAPI(t *testing.T) {
	bin := binary(t, "")
	_, test, err := dataset.LoadMNIST("")
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	dir := t.TempDir()
	state, token := filepath.Join(dir, "state"), filepath.Join(dir, "token")
	os.WriteFile(token, []byte("enrol-token\n"), 0o600)
	args := []string{"--state-dir", state, "--token-file", token}

	var digitImgs [][]float32
	var digitNames []string
	for i := 0; i < 100; i++ {
		k := synth.FrameDigit(i, 100, test.Len())
		digitImgs, digitNames = append(digitImgs, test.Image(k)), append(digitNames, fmt.Sprint(test.Labels[k]))
	}
	digits := jpegFrames(t, digitImgs, 21)
	enrolImgs, _ := shapeImages(t, []rune("AKW"), glyphs.GoFonts, 5, 1)
	checkImgs, checkNames := shapeImages(t, []rune("AKW"), glyphs.LiberationFonts, 10, 2)
	neverImgs, neverNames := shapeImages(t, []rune("EHMRTY"), glyphs.LiberationFonts, 5, 3)
	check, never := jpegFrames(t, checkImgs, 22), jpegFrames(t, neverImgs, 23)

	p := start(t, bin, nil, args...)
	before, _ := score(p, digits, digitNames)
	_, neverBefore := score(p, never, neverNames)

	// Refused enrolments change nothing.
	_, classesBefore := p.request("GET", "/v1/classes", "", nil)
	_, blank, err := synth.Render(make([]float32, 28*28), 0, 1, synth.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		body []byte
		want int
	}{
		{"B", blank, 422},                        // no object in the frame
		{strings.Repeat("x", 65), check[0], 400}, // name too long
		{"unknown", check[0], 400},               // reserved
		{"B", []byte("not an image"), 415},       // not an image
	} {
		if code, body := p.request("POST", "/v1/classes/"+c.name+"/examples", "enrol-token", c.body); code != c.want || !strings.Contains(body, `"error"`) {
			t.Errorf("enrol %q: %d %s, want %d with a JSON error", c.name, code, body, c.want)
		}
	}
	if _, after := p.request("GET", "/v1/classes", "", nil); after != classesBefore {
		t.Errorf("refused enrolments changed the classes:\n%s\n%s", classesBefore, after)
	}

	for i, name := range []string{"A", "K", "W"} {
		body, ctype := multipartBody(t, jpegFrames(t, enrolImgs[5*i:5*i+5], uint64(30+i)))
		if code, resp := p.requestType("POST", "/v1/classes/"+name+"/examples", "enrol-token", ctype, body); code != 201 {
			t.Fatalf("enrol %s: %d %s", name, code, resp)
		}
	}
	after, _ := score(p, digits, digitNames)
	recognised, _ := score(p, check, checkNames)
	_, neverAfter := score(p, never, neverNames)
	t.Logf("digits %.0f %% before, %.0f %% after; new letters %.0f %%; never-enrolled unknown %.0f %% before, %.0f %% after",
		100*before, 100*after, 100*recognised, 100*neverBefore, 100*neverAfter)
	if before < 0.95 || before-after > 0.02 {
		t.Errorf("digits %.2f before, %.2f after enrolment: want >= 0.95 and a loss of at most 2 frames in 100", before, after)
	}
	if recognised < 0.85 {
		t.Errorf("enrolled letters recognised on %.2f of frames in other fonts, want >= 0.85", recognised)
	}
	if neverBefore < 0.7 {
		t.Errorf("never-enrolled letters unknown on %.2f of frames, want >= 0.7", neverBefore)
	}

	// A restart serves the enrolled classes from the state directory.
	p.stop()
	p = start(t, bin, nil, args...)
	again, _ := score(p, check, checkNames)
	if again != recognised {
		t.Errorf("after a restart the letters are recognised on %.2f of frames, before it %.2f", again, recognised)
	}

	// Exported into a second daemon, the classes answer the same.
	code, export := p.request("GET", "/v1/classes/export", "", nil)
	if code != 200 {
		t.Fatalf("export: %d %s", code, export)
	}
	dir2 := t.TempDir()
	os.WriteFile(filepath.Join(dir2, "token"), []byte("second\n"), 0o600)
	second := start(t, bin, nil, "--state-dir", filepath.Join(dir2, "state"), "--token-file", filepath.Join(dir2, "token"))
	if code, body := second.request("POST", "/v1/classes/import", "second", []byte("corrupt")); code != 400 {
		t.Errorf("a corrupt import: %d %s, want 400", code, body)
	}
	if code, body := second.request("POST", "/v1/classes/import", "second", []byte(export)); code/100 != 2 {
		t.Fatalf("import: %d %s", code, body)
	}
	if got, _ := score(second, check, checkNames); got != recognised {
		t.Errorf("imported letters recognised on %.2f of frames, on the first daemon %.2f", got, recognised)
	}

	// Rolling back the last enrolment (W) forgets it; the others stay.
	if code, body := p.request("POST", "/v1/engine/rollback", "enrol-token", nil); code != 200 {
		t.Fatalf("rollback: %d %s", code, body)
	}
	_, classes := p.request("GET", "/v1/classes", "", nil)
	if strings.Contains(classes, `"W"`) || !strings.Contains(classes, `"K"`) {
		t.Errorf("after a rollback of the W enrolment: %s", classes)
	}
}
