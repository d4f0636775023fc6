package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/calibration/synth"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/liveview"
	"github.com/sliced-ai/sliced/engine"
)

// The states of the video test's two regions, in colours the scene
// engine's own classes (red, green, blue, white) are not. The lit led is
// orange: under the fixture's random kernels cyan lay near green, and
// 2.6 % of cyan frames were answered green with three enrolled examples.
var (
	videoDoor   = image.Rect(20, 20, 100, 100)
	videoLED    = image.Rect(200, 60, 280, 120)
	doorColours = map[string]color.RGBA{"open": {230, 200, 30, 255}, "shut": {130, 40, 170, 255}}
	ledColours  = map[string]color.RGBA{"lit": {240, 140, 20, 255}, "off": {25, 25, 25, 255}}
)

// videoFrame is a 320x240 JPEG of the door and the led in those states.
func videoFrame(t *testing.T, door, led string, rng *rand.Rand) []byte {
	t.Helper()
	return jpegOf(t, paint(320, 240, map[image.Rectangle]color.RGBA{videoDoor: doorColours[door], videoLED: ledColours[led]}, rng))
}

// writeVideoFrames writes frames as an MJPEG AVI.
func writeVideoFrames(t *testing.T, path string, frames [][]byte) {
	t.Helper()
	var b bytes.Buffer
	if err := synth.WriteAVI(&b, frames, 320, 240, 20); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The real daemon on a video source (a colour MJPEG AVI) with two regions
// and the RGB scene engine: the states are enrolled from what each region
// of the live video shows (?source=&region= with an empty body) and from
// posted full camera frames (the same with an image body), mistakes are
// 4xx with a message and change nothing, and after a restart on another
// video each region answers its own state, frame by frame.
func TestVideoRegionsEnrolFromLive(t *testing.T) {
	bin := binary(t, "")
	dir := t.TempDir()
	eng, state, token := filepath.Join(dir, "scene.slc"), filepath.Join(dir, "state"), filepath.Join(dir, "token")
	if err := engine.Save(eng, fixture.Scene(3)); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(token, []byte("video-token\n"), 0o600)
	rng := rand.New(rand.NewPCG(17, 17))
	config := func(video string) string {
		cfg := filepath.Join(dir, "sliced.yaml")
		os.WriteFile(cfg, []byte(fmt.Sprintf(`engine: %s
state_dir: %s
token_file: %s
sources:
  - name: cam
    kind: video
    path: %s
    loop: true
    fps: 20
    regions:
      - {name: door, roi: {x: 20, y: 20, w: 80, h: 80}}
      - {name: led, roi: "0.625:0.25:0.25:0.25"}
`, eng, state, token, video)), 0o644)
		return cfg
	}

	// The camera now: the door open, the led lit.
	live := filepath.Join(dir, "live.avi")
	var frames [][]byte
	for range 5 {
		frames = append(frames, videoFrame(t, "open", "lit", rng))
	}
	writeVideoFrames(t, live, frames)
	p := start(t, bin, nil, "--config", config(live))
	p.waitMetric("live frames", "sliced_pipeline_frames_total", map[string]string{"source": "cam", "roi": "led"}, func(v float64) bool { return v >= 1 })
	enrol := func(class, query, ctype string, body []byte) (int, map[string]any) {
		t.Helper()
		code, resp := p.requestType("POST", "/v1/classes/"+class+"/examples"+query, "video-token", ctype, body)
		var v map[string]any
		if err := json.Unmarshal([]byte(resp), &v); err != nil {
			t.Fatalf("enrol %s%s: %d %q is not JSON", class, query, code, resp)
		}
		return code, v
	}
	for i := range 3 {
		for class, q := range map[string]string{"open": "?source=cam&region=door", "lit": "?source=cam&region=led"} {
			if code, v := enrol(class, q, "", nil); code != 201 || v["examples"] != float64(i+1) || v["source"] != "cam" {
				t.Fatalf("enrol %s from the live region: %d %v", class, code, v)
			}
		}
		time.Sleep(60 * time.Millisecond) // another frame of the video
	}
	// Full frames of the other states, posted and cut to each region.
	var posted [][]byte
	for range 3 {
		posted = append(posted, videoFrame(t, "shut", "off", rng))
	}
	body, ctype := multipartBody(t, posted)
	for class, q := range map[string]string{"shut": "?source=cam&region=door", "off": "?source=cam&region=led"} {
		if code, v := enrol(class, q, ctype, body); code != 201 || v["added"] != 3.0 {
			t.Fatalf("enrol %s from posted frames: %d %v", class, code, v)
		}
	}
	_, before := p.request("GET", "/v1/classes", "", nil)
	for _, c := range []struct {
		query string
		code  int
		msg   string
	}{
		{"?source=cam&region=window", 404, `source "cam" has no region "window"`},
		{"?source=attic&region=door", 404, `source "attic" is not configured`},
		{"?source=cam", 400, `name one with ?region=NAME`},
	} {
		if code, v := enrol("ajar", c.query, "", nil); code != c.code || !strings.Contains(fmt.Sprint(v["error"]), c.msg) {
			t.Errorf("enrol %s: %d %v, want %d %q", c.query, code, v, c.code, c.msg)
		}
	}
	if code, _ := p.request("POST", "/v1/classes/ajar/examples?source=cam&region=door", "", nil); code != 401 {
		t.Errorf("no token: %d", code)
	}
	if _, after := p.request("GET", "/v1/classes", "", nil); after != before {
		t.Errorf("failed enrolments changed the classes:\n%s\n%s", before, after)
	}
	p.stop()

	// Another video, the enrolled engine from the state directory: each
	// region's answers follow its own states.
	doors := []string{"open", "open", "shut", "shut", "shut", "open"}
	leds := []string{"lit", "off", "off", "lit", "off", "lit"}
	frames = frames[:0]
	for i := range doors {
		frames = append(frames, videoFrame(t, doors[i], leds[i], rng))
	}
	seq := filepath.Join(dir, "seq.avi")
	writeVideoFrames(t, seq, frames)
	p = start(t, bin, nil, "--config", config(seq))
	n := float64(3 * len(doors))
	p.waitMetric("door frames", "sliced_pipeline_frames_total", map[string]string{"source": "cam", "roi": "door"}, func(v float64) bool { return v >= n })
	p.waitMetric("led frames", "sliced_pipeline_frames_total", map[string]string{"source": "cam", "roi": "led"}, func(v float64) bool { return v >= n })
	var rows []liveview.Row
	_, recent := p.request("GET", "/v1/recent", "", nil)
	if err := json.Unmarshal([]byte(recent), &rows); err != nil {
		t.Fatal(err)
	}
	right, wrong := map[string]int{}, map[string][]string{}
	for _, r := range rows {
		i := int(r.Seq-1) % len(doors) // the video loops: frame Seq-1 of the file
		want := map[string]string{"door": doors[i], "led": leds[i]}[r.Region]
		if r.Error == "" && r.Label == want {
			right[r.Region]++
		} else {
			wrong[r.Region] = append(wrong[r.Region], fmt.Sprintf("frame %d: %q %s, want %q", r.Seq, r.Label, r.Error, want))
		}
	}
	t.Logf("right answers per region: %v", right)
	for _, region := range []string{"door", "led"} {
		if right[region] < 10 || len(wrong[region]) > 0 {
			t.Errorf("%s: %d right, wrong %v", region, right[region], wrong[region])
		}
	}
	fams := p.metrics()
	for region, states := range map[string][]string{"door": {"open", "shut"}, "led": {"lit", "off"}} {
		for _, s := range states {
			if v := value(fams, "sliced_pipeline_classifications_total", map[string]string{"source": "cam", "roi": region, "label": s}); v == 0 {
				t.Errorf("no %s answers for the %s", s, region)
			}
		}
	}
	p.stop()
}
