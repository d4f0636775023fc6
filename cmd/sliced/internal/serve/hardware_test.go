package serve

import (
	"context"
	"fmt"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
	"periph.io/x/conn/v3/i2c/i2ctest"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/testbin"
	"github.com/sliced-ai/sliced/cmd/sliced/testbin/needs"
	sgpio "github.com/sliced-ai/sliced/device/gpio"
	"github.com/sliced-ai/sliced/device/power"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// serveInProcess runs Serve with the given configuration lines after an
// engine, a state directory and a folder of frames that all show digit.
// FRAMES in the lines is replaced by the folder. It returns when the API
// listens; the daemon stops at the end of the test.
func serveInProcess(t *testing.T, digit int, lines string) *proc {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the daemon")
	}
	dir := t.TempDir()
	eng, frames := filepath.Join(dir, "engine.slc"), filepath.Join(dir, "frames")
	if err := engine.Save(eng, fixture.Engine(models.B, 1)); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(frames, 0o755)
	rng := rand.New(rand.NewPCG(3, 3))
	for i := range 4 {
		w, _ := os.Create(filepath.Join(frames, fmt.Sprintf("%03d.png", i)))
		png.Encode(w, fixture.Frame(digit, 320, 240, rng))
		w.Close()
	}
	cfg := filepath.Join(dir, "sliced.yaml")
	yaml := fmt.Sprintf("listen: 127.0.0.1:0\nengine: %s\nstate_dir: %s\n%s", eng, filepath.Join(dir, "state"), strings.ReplaceAll(lines, "FRAMES", frames))
	os.WriteFile(cfg, []byte(yaml), 0o644)

	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	p := &proc{t: t, stderr: &testbin.Output{}, exited: make(chan error, 1), config: cfg}
	go func() {
		p.exited <- Serve(ctx, []string{"--config", cfg}, outW, p.stderr)
		outW.Close()
	}()
	addr := make(chan string, 1)
	go func() {
		buf := make([]byte, 4096)
		var seen string
		for {
			n, err := outR.Read(buf)
			seen += string(buf[:n])
			if m := addrLine.FindStringSubmatch(seen); m != nil {
				addr <- m[1]
				io.Copy(io.Discard, outR)
				return
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case a := <-addr:
		p.base = "http://" + a
	case err := <-p.exited:
		cancel()
		t.Fatalf("serve returned: %v\n%s", err, p.stderr)
	case <-time.After(15 * time.Second):
		cancel()
		t.Fatalf("serve did not start\n%s", p.stderr)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-p.exited:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
		if t.Failed() {
			t.Logf("daemon log:\n%s", p.stderr)
		}
	})
	return p
}

// fakePins puts gpiotest pins behind the daemon's GPIO lookup.
func fakePins(t *testing.T, pins ...*gpiotest.Pin) {
	byName := map[string]gpio.PinIO{}
	for _, p := range pins {
		byName[p.N] = p
	}
	old := gpioLookup
	gpioLookup = func() (sgpio.Lookup, error) {
		return func(name string) gpio.PinIO { return byName[name] }, nil
	}
	t.Cleanup(func() { gpioLookup = old })
}

func level(p *gpiotest.Pin) gpio.Level {
	p.Lock()
	defer p.Unlock()
	return p.L
}

// The trigger gates the source: no frame is classified before an edge,
// one per edge after, and the output pins follow the results.
func TestDaemonGPIOTrigger(t *testing.T) {
	trig := &gpiotest.Pin{N: "GPIO17", EdgesChan: make(chan gpio.Level, 4)}
	seven := &gpiotest.Pin{N: "GPIO27"}
	three := &gpiotest.Pin{N: "GPIO22"}
	fakePins(t, trig, seven, three)
	p := serveInProcess(t, 7, `sources:
  - {name: cam, kind: dir, path: FRAMES, loop: true, fps: 50, watchdog: 2s}
  - {name: free, kind: dir, path: FRAMES, loop: true, fps: 20, watchdog: 2s}
gpio:
  trigger: {pin: GPIO17, edge: falling, debounce: 1ms, sources: [cam]}
  outputs:
    - {pin: GPIO27, class: "7"}
    - {pin: GPIO22, class: "3", mode: pulse, hold: 50ms}
`)
	cam := map[string]string{"source": "cam"}
	p.waitMetric("gated frames", "sliced_gpio_gated_frames_total", cam, func(v float64) bool { return v >= 10 })
	if n := value(p.metrics(), "sliced_pipeline_frames_total", cam); n != 0 {
		t.Fatalf("%v frames classified before any trigger edge", n)
	}
	// The ungated source runs free and drives the class-7 output.
	p.waitMetric("free frames", "sliced_pipeline_frames_total", map[string]string{"source": "free"}, func(v float64) bool { return v >= 3 })
	if level(seven) != gpio.High || level(three) != gpio.Low {
		t.Fatalf("outputs: GPIO27 %v GPIO22 %v after results of class 7, want High Low", level(seven), level(three))
	}
	if ready, _ := p.request("GET", "/v2/health/ready", "", nil); ready != 200 {
		t.Fatalf("ready %d: a gated source still delivers frames", ready)
	}
	for i := 1; i <= 3; i++ {
		trig.EdgesChan <- gpio.Low
		p.waitMetric("a frame per edge", "sliced_pipeline_frames_total", cam, func(v float64) bool { return v >= float64(i) })
		// Frames keep coming: none may pass. Five more held back by the
		// gate show they came.
		gated := value(p.metrics(), "sliced_gpio_gated_frames_total", cam)
		p.waitMetric("frames after the edge", "sliced_gpio_gated_frames_total", cam, func(v float64) bool { return v >= gated+5 })
		fams := p.metrics()
		if n := value(fams, "sliced_pipeline_frames_total", cam); n != float64(i) {
			t.Fatalf("after %d edges: %v frames classified", i, n)
		}
		if e := value(fams, "sliced_gpio_trigger_edges_total", nil); e != float64(i) {
			t.Fatalf("after %d edges: sliced_gpio_trigger_edges_total %v", i, e)
		}
	}
	if v := value(p.metrics(), "sliced_hardware_available", map[string]string{"feature": "gpio"}); v != 1 {
		t.Errorf("sliced_hardware_available{feature=gpio} %v, want 1", v)
	}
	lintMetrics(p)
}

// lintMetrics runs promtool check metrics on the exposition in a subtest of
// its own, skipped without promtool unless SLICED_REQUIRE names it.
func lintMetrics(p *proc) {
	p.t.Helper()
	_, body := p.request("GET", "/metrics", "", nil)
	p.t.Run("promtool check metrics", func(t *testing.T) {
		promtool := needs.Tool(t, "promtool", "apt-get install prometheus")
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = strings.NewReader(body)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool check metrics: %v\n%s", err, out)
		}
	})
}

// ina219Reads replays an INA219 at 0x40 that is set up once and then reads
// 20 mV over 0.1 ohm at 5 V (1 W), n times.
func ina219Reads(n int) *i2ctest.Playback {
	ops := []i2ctest.IO{
		{Addr: 0x40, W: []byte{0x00, 0x39, 0x9f}},
		{Addr: 0x40, W: []byte{0x00}, R: []byte{0x39, 0x9f}},
	}
	for range n {
		ops = append(ops,
			i2ctest.IO{Addr: 0x40, W: []byte{0x01}, R: []byte{0x07, 0xd0}},
			i2ctest.IO{Addr: 0x40, W: []byte{0x02}, R: []byte{0x27, 0x12}})
	}
	return &i2ctest.Playback{Ops: ops, DontPanic: true}
}

// The power meter on a replayed INA219 bus: watts, energy and joules per
// inference on /metrics.
func TestDaemonPower(t *testing.T) {
	bus := ina219Reads(5000)
	old, oldWindow := openPower, joulesWindow
	openPower = func(c power.Config) (*power.Meter, io.Closer, error) {
		s, err := power.NewSensor(c, bus)
		if err != nil {
			return nil, nil, err
		}
		return power.NewMeter(s), io.NopCloser(nil), nil
	}
	joulesWindow = 200 * time.Millisecond
	t.Cleanup(func() { openPower, joulesWindow = old, oldWindow })
	p := serveInProcess(t, 4, `sources:
  - {name: cam, kind: dir, path: FRAMES, loop: true, fps: 50, watchdog: 2s}
power: {sensor: ina219, bus: "1", shunt_ohms: 0.1, interval: 5ms}
`)
	p.waitMetric("joules per inference", "sliced_power_inference_joules", nil, func(v float64) bool { return v > 0 })
	fams := p.metrics()
	if w := value(fams, "sliced_power_watts", map[string]string{"sensor": "ina219@0x40"}); w < 0.99 || w > 1.01 {
		t.Errorf("sliced_power_watts %v, want 1", w)
	}
	j := value(fams, "sliced_power_energy_joules_total", nil)
	if j <= 0 {
		t.Errorf("sliced_power_energy_joules_total %v", j)
	}
	// 1 W at about 50 frames/s: some 20 mJ per inference.
	if jpi := value(fams, "sliced_power_inference_joules", nil); jpi < 0.005 || jpi > 0.2 {
		t.Errorf("sliced_power_inference_joules %v, want about 0.02", jpi)
	}
	lintMetrics(p)
}

// With gpio and power configured on a machine that has neither, the real
// binary says so, turns both off, and serves.
func TestDaemonHardwareAbsent(t *testing.T) {
	bin := binary(t, "")
	f := writeFixture(t, 0, "  []\n")
	cfg, _ := os.ReadFile(f.config)
	cfg = append(cfg, []byte(`gpio:
  trigger: {pin: NO_SUCH_PIN_17}
  outputs: [{pin: NO_SUCH_PIN_27, class: "7"}]
power: {sensor: ina3221, bus: "/dev/i2c-no-such-bus", address: 0x40, channel: 1, shunt_ohms: 0.005}
`)...)
	os.WriteFile(f.config, cfg, 0o644)
	p := start(t, bin, nil, "--config", f.config)
	if code, _ := p.request("GET", "/v2/health/ready", "", nil); code != 200 {
		t.Fatalf("ready: %d", code)
	}
	if code, _ := p.request("POST", "/v1/classify", "", pngBytes(t, 4)); code != 200 {
		t.Fatalf("classify: %d", code)
	}
	log := p.stderr.String()
	for _, want := range []string{"gpio: hardware absent", "NO_SUCH_PIN_17", "power: sensor absent"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log does not say %q:\n%s", want, log)
		}
	}
	fams := p.metrics()
	seen := map[string]bool{}
	for _, m := range fams["sliced_hardware_available"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "feature" && m.GetGauge().GetValue() == 0 {
				seen[l.GetValue()] = true
			}
		}
	}
	if !seen["gpio"] || !seen["power"] {
		t.Errorf("sliced_hardware_available: want feature gpio and power at 0, got %v", seen)
	}
	p.stop()
}
