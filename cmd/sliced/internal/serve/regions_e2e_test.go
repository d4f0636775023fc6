package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/liveview"
	"github.com/sliced-ai/sliced/cmd/sliced/testbin/broker"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// paint is a w x h frame of gray noise with each rectangle filled by its
// colour, lit by up to 20 % more or less.
func paint(w, h int, fills map[image.Rectangle]color.RGBA, rng *rand.Rand) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	light := 0.8 + 0.4*rng.Float64()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := color.RGBA{100, 100, 100, 255}
			for r, c := range fills {
				if image.Pt(x, y).In(r) {
					v = c
				}
			}
			px := func(b uint8) uint8 { return uint8(min(max(float64(b)*light+rng.NormFloat64()*8, 0), 255)) }
			m.SetRGBA(x, y, color.RGBA{px(v.R), px(v.G), px(v.B), 255})
		}
	}
	return m
}

func pngOf(t *testing.T, m image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// regionScene enrols the led's states on and off over the API into a
// state directory (the scene engine), writes a folder of frames whose
// door is red, flickers blue once, then turns green, and whose led is on,
// then off, and returns a configuration of the folder with the regions
// door and led (smooth 3 and 1) and far, outside the frame.
func regionScene(t *testing.T, bin string) (cfg string, door image.Rectangle, doors []int) {
	dir := t.TempDir()
	eng, state, token := filepath.Join(dir, "scene.slc"), filepath.Join(dir, "state"), filepath.Join(dir, "token")
	if err := engine.Save(eng, fixture.Scene(3)); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(token, []byte("regions-token\n"), 0o600)
	rng := rand.New(rand.NewPCG(13, 13))

	// The led's states, enrolled from crops of the region.
	on, off := color.RGBA{230, 200, 30, 255}, color.RGBA{25, 25, 25, 255}
	p := start(t, bin, nil, "--engine", eng, "--state-dir", state, "--token-file", token)
	for name, c := range map[string]color.RGBA{"on": on, "off": off} {
		var examples [][]byte
		for range 5 {
			examples = append(examples, pngOf(t, paint(80, 60, map[image.Rectangle]color.RGBA{image.Rect(0, 0, 80, 60): c}, rng)))
		}
		body, ctype := multipartBody(t, examples)
		if code, resp := p.requestType("POST", "/v1/classes/"+name+"/examples", "regions-token", ctype, body); code != 201 {
			t.Fatalf("enrol %s: %d %s", name, code, resp)
		}
	}
	p.stop()

	door, led := image.Rect(20, 20, 100, 100), image.Rect(200, 60, 280, 120)
	doors = []int{0, 0, 0, 2, 0, 0, 1, 1, 1, 1}
	frames := filepath.Join(dir, "frames")
	os.Mkdir(frames, 0o755)
	for i, d := range doors {
		l := on
		if i >= 5 {
			l = off
		}
		m := paint(320, 240, map[image.Rectangle]color.RGBA{door: fixture.SceneColors[d].RGB, led: l}, rng)
		os.WriteFile(filepath.Join(frames, fmt.Sprintf("%03d.png", i)), pngOf(t, m), 0o644)
	}
	cfg = filepath.Join(dir, "sliced.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`engine: %s
state_dir: %s
token_file: %s
sources:
  - name: cam
    kind: dir
    path: %s
    smooth: 3
    regions:
      - {name: door, roi: {x: 20, y: 20, w: 80, h: 80}}
      - {name: led, roi: "0.625:0.25:0.25:0.25", smooth: 1}
      - {name: far, roi: "300:200:100:100"}
`, eng, state, token, frames)), 0o644)
	return cfg, door, doors
}

// The real daemon on a folder of frames with two regions in its YAML:
// states enrolled over the API (on the scene engine, into the state
// directory), one result stream per region, the door's flicker smoothed
// away while the metrics count every frame's own answer, the roi label
// on the metrics, each region's box in /v1/latest and drawn on the
// stream, and a region outside the frame counted, logged once and
// survived.
func TestRegionsThroughTheDaemon(t *testing.T) {
	bin := binary(t, "")
	cfg, door, doors := regionScene(t, bin)
	p := start(t, bin, nil, "--config", cfg)
	n := float64(len(doors))
	p.waitMetric("door frames", "sliced_pipeline_frames_total", map[string]string{"source": "cam", "roi": "door"}, func(v float64) bool { return v >= n })
	p.waitMetric("led frames", "sliced_pipeline_frames_total", map[string]string{"source": "cam", "roi": "led"}, func(v float64) bool { return v >= n })
	p.waitMetric("far errors", "sliced_pipeline_errors_total", map[string]string{"source": "cam", "roi": "far", "kind": "region_outside"}, func(v float64) bool { return v >= n })

	// Each region's results, oldest first: the last is published just
	// after its error is counted.
	var rows []liveview.Row
	for deadline := time.Now().Add(10 * time.Second); len(rows) < 3*len(doors) && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		_, body := p.request("GET", "/v1/recent", "", nil)
		if err := json.Unmarshal([]byte(body), &rows); err != nil {
			t.Fatal(err)
		}
	}
	slices.Reverse(rows)
	got := map[string][]string{}
	for _, r := range rows {
		l := r.Label
		if r.Held {
			l += "*"
		}
		if r.Error != "" {
			l = "error"
		}
		got[r.Region] = append(got[r.Region], l)
	}
	want := map[string]string{
		"door": "red red red red* red red red* red* green green",
		"led":  "on on on on on off off off off off",
		"far":  "error error error error error error error error error error",
	}
	for region, w := range want {
		if g := strings.Join(got[region], " "); g != w {
			t.Errorf("%s reported %q, want %q (* held by smoothing)", region, g, w)
		}
	}

	// The metrics, parsed from /metrics: every frame's own answer by roi.
	fams := p.metrics()
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"sliced_pipeline_classifications_total", map[string]string{"roi": "door", "label": "blue"}, 1},
		{"sliced_pipeline_classifications_total", map[string]string{"roi": "door", "label": "green"}, 4},
		{"sliced_pipeline_classifications_total", map[string]string{"roi": "led", "label": "on"}, 5},
		{"sliced_pipeline_classifications_total", map[string]string{"roi": "led", "label": "off"}, 5},
		{"sliced_pipeline_smoothed_total", map[string]string{"source": "cam", "roi": "door"}, 3},
		{"sliced_pipeline_smoothed_total", map[string]string{"source": "cam", "roi": "led"}, 0},
		{"sliced_pipeline_frames_total", map[string]string{"source": "cam", "roi": "far"}, 0},
		{"sliced_pipeline_frame_duration_seconds", map[string]string{"source": "cam", "roi": "led"}, n},
	} {
		if v := value(fams, c.name, c.labels); v != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, v, c.want)
		}
	}
	for _, m := range fams["sliced_pipeline_classifications_total"].GetMetric() {
		roi := false
		for _, lp := range m.GetLabel() {
			roi = roi || lp.GetName() == "roi"
		}
		if !roi {
			t.Errorf("a classification series without the roi label: %v", m.GetLabel())
		}
	}
	p.waitLog("region does not fit the frame")
	if c := strings.Count(p.stderr.String(), "region does not fit the frame"); c != 1 {
		t.Errorf("the region outside the frame was logged %d times, want once", c)
	}

	// The live view: each region's state and box, and the boxes drawn.
	_, body := p.request("GET", "/v1/latest", "", nil)
	var latest []liveview.Row
	if err := json.Unmarshal([]byte(body), &latest); err != nil {
		t.Fatal(err)
	}
	boxes := map[string]string{}
	for _, r := range latest {
		b := "none"
		if r.Box != nil {
			b = fmt.Sprintf("%d,%d %dx%d", r.Box.X, r.Box.Y, r.Box.W, r.Box.H)
		}
		boxes[r.Region] = r.Label + " " + b
	}
	if w := map[string]string{"door": "green 20,20 80x80", "led": "off 200,60 80x60", "far": " none"}; fmt.Sprint(boxes) != fmt.Sprint(w) {
		t.Errorf("/v1/latest %v, want %v", boxes, w)
	}
	m := streamFrame(t, p, "cam")
	// The door's left edge, two pixels outside its box, below the 20-pixel
	// banner, in the known answer's green.
	if r, g, b, _ := m.At(door.Min.X-1, door.Min.Y+20+40).RGBA(); g>>8 < 180 || r>>8 > 170 || b>>8 > 170 {
		t.Errorf("the door's box edge is %d,%d,%d, want green", r>>8, g>>8, b>>8)
	}
	p.stop()
}

// streamFrame reads the first JPEG of source's live-view stream.
func streamFrame(t *testing.T, p *proc, source string) image.Image {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", p.base+"/stream.mjpg?source="+source, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	part, err := multipart.NewReader(resp.Body, params["boundary"]).NextPart()
	if err != nil {
		t.Fatal(err)
	}
	m, err := jpeg.Decode(part)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Bad regions and engines the sources cannot feed stop the start and fail
// --check, each naming its key.
func TestRegionConfigErrors(t *testing.T) {
	bin := binary(t, "")
	dir := t.TempDir()
	scene, digits := filepath.Join(dir, "scene.slc"), filepath.Join(dir, "digits.slc")
	if err := engine.Save(scene, fixture.Scene(3)); err != nil {
		t.Fatal(err)
	}
	if err := engine.Save(digits, fixture.Engine(models.B, 1)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ engine, source, key string }{
		{scene, `{name: c, kind: dir, path: /x, regions: [{name: a, roi: "10:10:0:20"}]}`, "sources[0].regions[0].roi: w 0"},
		{scene, `{name: c, kind: dir, path: /x, width: 320, height: 240, regions: [{name: a, roi: "300:0:40:40"}]}`, "sources[0].regions[0].roi: "},
		{scene, `{name: c, kind: dir, path: /x, regions: [{name: a, roi: "0:0:1:1"}, {name: a, roi: "0:0:1:1"}]}`, "sources[0].regions[1].name: \"a\" used twice"},
		{digits, `{name: c, kind: dir, path: /x, regions: [{name: a, roi: "0:0:1:1"}]}`, "sources[0].regions: engine"},
	} {
		cfg := filepath.Join(dir, "c.yaml")
		os.WriteFile(cfg, []byte(fmt.Sprintf("listen: 127.0.0.1:0\nstate_dir: %s\nengine: %s\nsources:\n  - %s\n", filepath.Join(dir, "state"), tc.engine, tc.source)), 0o644)
		for _, args := range [][]string{{"serve", "--check", "--config", cfg}, {"serve", "--config", cfg}} {
			cmd := exec.Command(bin, args...)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(out.String(), tc.key) {
					t.Errorf("%v with %s: err %v, output %q; want it to name %s", args[1:2], tc.source, err, out.String(), tc.key)
				}
			case <-time.After(15 * time.Second):
				cmd.Process.Kill()
				t.Errorf("%v with %s: still running, want an error naming %s", args[1:2], tc.source, tc.key)
			}
		}
	}
}

// Each region's state changes are MQTT events on its own topic, after
// smoothing: the door's one-frame flicker is no event.
func TestRegionEventsOverMQTT(t *testing.T) {
	mosq, subBin, _ := broker.Commands(t)
	b := broker.Start(t, mosq, "allow_anonymous true\n")
	sub := broker.Subscribe(t, subBin, b.Port, "regions-sub", "sliced/r/#", "-t", "homeassistant/#")
	time.Sleep(100 * time.Millisecond)
	bin := binary(t, "")
	cfg, _, _ := regionScene(t, bin)
	start(t, bin, nil, "--config", cfg, "--mqtt-broker", fmt.Sprintf("tcp://127.0.0.1:%d", b.Port), "--mqtt-node", "r")
	states := map[string][]string{}
	sensors := map[string]bool{}
	sub.Until(15*time.Second, func(l broker.Line) bool {
		if strings.HasPrefix(l.Topic, "homeassistant/sensor/") {
			sensors[l.Topic] = true
		}
		if strings.HasSuffix(l.Topic, "/state") {
			var e struct{ Source, Region, State string }
			json.Unmarshal([]byte(l.Payload), &e)
			if e.Source != "cam" || "sliced/r/cam/"+e.Region+"/state" != l.Topic {
				t.Errorf("%s: %s", l.Topic, l.Payload)
			}
			states[e.Region] = append(states[e.Region], e.State)
		}
		return len(states["door"]) >= 2 && len(states["led"]) >= 2 && len(sensors) >= 3
	})
	// Let any event that should not be there arrive.
	sub.Until(500*time.Millisecond, func(l broker.Line) bool {
		if strings.HasSuffix(l.Topic, "/state") {
			t.Errorf("one more state event: %s %s", l.Topic, l.Payload)
		}
		return false
	})
	if d, l := strings.Join(states["door"], " "), strings.Join(states["led"], " "); d != "red green" || l != "on off" {
		t.Errorf("state events: door %q, led %q; want \"red green\" and \"on off\"", d, l)
	}
	for _, s := range []string{"door", "led", "far"} {
		if !sensors["homeassistant/sensor/r_cam_"+s+"/config"] {
			t.Errorf("no Home Assistant sensor for region %s: %v", s, sensors)
		}
	}
}
