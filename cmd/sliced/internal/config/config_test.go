package config

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseUnknownKeyNamed(t *testing.T) {
	_, err := Parse([]byte("listen: :1\nsourcez: []\n"))
	if err == nil || !strings.Contains(err.Error(), "sourcez") {
		t.Fatalf("err = %v, want one naming sourcez", err)
	}
	_, err = Parse([]byte("log: {format: json, colour: red}\n"))
	if err == nil || !strings.Contains(err.Error(), "colour") {
		t.Fatalf("err = %v, want one naming colour", err)
	}
}

func TestParseEmptyIsDefault(t *testing.T) {
	c, err := Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:8080" || c.Backend != "sliced" {
		t.Fatalf("defaults not kept: %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateNamesKey(t *testing.T) {
	c, err := Parse([]byte(`
sources:
  - {kind: webcam, path: /dev/video0}
  - {name: a, kind: dir}
compare: {backend: fullcnn, every: 0}
conv: fast
unknown_views: 9
`))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	for _, key := range []string{"sources[0].kind", "sources[1].path", "compare.every", "conv", "unknown_views"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("err = %v, want it to name %s", err, key)
		}
	}
}

func TestFlagsOverrideFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sliced.yaml")
	os.WriteFile(path, []byte("listen: 0.0.0.0:9000\nlog: {level: debug}\nsources: [{name: f, kind: dir, path: /x, watchdog: 3s}]\n"), 0o644)
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f := NewFlags(fs)
	if err := fs.Parse([]string{"--config", path, "--listen", ":7000", "--source", "cam=device:/dev/video1", "--backends", "fullcnn=/m.slc,openvino:MYRIAD"}); err != nil {
		t.Fatal(err)
	}
	c, err := f.LoadWithFlags()
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != ":7000" {
		t.Errorf("listen = %q, the flag should win", c.Listen)
	}
	if c.Log.Level != "debug" {
		t.Errorf("log.level = %q, the file's value should stay", c.Log.Level)
	}
	if len(c.Sources) != 1 || !reflect.DeepEqual(c.Sources[0], Source{Name: "cam", Kind: "device", Path: "/dev/video1", Loop: true, Watchdog: 10 * time.Second}) {
		t.Errorf("sources = %+v", c.Sources)
	}
	if len(c.Backends) != 2 || c.Backends[0].Model != "/m.slc" || c.Backends[1].Device != "MYRIAD" {
		t.Errorf("backends = %+v", c.Backends)
	}
}

func TestParseSourceOptions(t *testing.T) {
	s, err := ParseSource("cam=device:/dev/video0,fps=15,watchdog=3s,width=640,height=480,loop=false", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := Source{Name: "cam", Kind: "device", Path: "/dev/video0", FPS: 15, Watchdog: 3 * time.Second, Width: 640, Height: 480}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("got %+v", s)
	}
	g, err := ParseSource("gstreamer:videotestsrc ! video/x-raw,width=320,height=240 ! appsink,watchdog=2s", 1)
	if err != nil {
		t.Fatal(err)
	}
	if g.Path != "videotestsrc ! video/x-raw,width=320,height=240 ! appsink" || g.Watchdog != 2*time.Second || g.Name != "gstreamer1" {
		t.Fatalf("got %+v", g)
	}
	// A camera URL keeps its colons, credentials and query.
	r, err := ParseSource("door=rtsp:rtsp://admin:pw@10.0.0.5:554/Streaming/101?transport=tcp,fps=5", 2)
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "door" || r.Kind != "rtsp" || r.Path != "rtsp://admin:pw@10.0.0.5:554/Streaming/101?transport=tcp" || r.FPS != 5 {
		t.Fatalf("got %+v", r)
	}
	if _, err := ParseSource("dir:/x,fps=fast", 0); err == nil || !strings.Contains(err.Error(), "fps") {
		t.Fatalf("err = %v", err)
	}
}

func TestMQTT(t *testing.T) {
	c, err := Parse([]byte("mqtt: {broker: ssl://b:8883, username: u, password_credential: mqtt, debounce: 3, queue: 50, reconnect_max: 5s}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if m := c.MQTT; m.Debounce != 3 || m.Queue != 50 || m.QoS != 1 || m.Prefix != "sliced" || m.ReconnectMax != 5*time.Second {
		t.Errorf("%+v", m)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f := NewFlags(fs)
	if err := fs.Parse([]string{"--mqtt-broker", "tcp://x:1883", "--mqtt-queue", "7", "--mqtt-password-file", "/p"}); err != nil {
		t.Fatal(err)
	}
	f.Apply(&c)
	if c.MQTT.Broker != "tcp://x:1883" || c.MQTT.Queue != 7 || c.MQTT.Username != "u" {
		t.Errorf("flags: %+v", c.MQTT)
	}
	// password_file from the flag and password_credential from the file clash.
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "mqtt.password") {
		t.Errorf("two passwords: %v", err)
	}
	for _, bad := range []string{"mqtt: {broker: x}", "mqtt: {broker: tcp://x:1, qos: 2}", "mqtt: {broker: tcp://x:1, queue: 0}", "mqtt: {broker: tcp://x:1, node: a/b}"} {
		c, err := Parse([]byte(bad))
		if err == nil {
			err = c.Validate()
		}
		if err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

// Every flag given on the command line reaches the configuration: set to
// its own default it applies without error, and --unknown-scale and
// --conv, which did not reach it before, win over the file.
func TestEveryFlagApplies(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	NewFlags(fs)
	fs.VisitAll(func(fl *flag.Flag) {
		one := flag.NewFlagSet("serve", flag.ContinueOnError)
		f := NewFlags(one)
		if one.Set(fl.Name, fl.DefValue) != nil {
			return // a flag whose default is no value of its own (source, backends)
		}
		c := Default()
		if err := f.Apply(&c); err != nil && strings.Contains(err.Error(), "not applied") {
			t.Error(err)
		}
	})
	dir := t.TempDir()
	path := filepath.Join(dir, "sliced.yaml")
	os.WriteFile(path, []byte("unknown_scale: 3\nunknown_views: 3\nconv: direct\n"), 0o644)
	f := NewFlags(flag.NewFlagSet("serve", flag.ContinueOnError))
	if err := f.fs.Parse([]string{"--config", path, "--unknown-scale", "1.5", "--unknown-views", "1", "--conv", "int8"}); err != nil {
		t.Fatal(err)
	}
	c, err := f.LoadWithFlags()
	if err != nil {
		t.Fatal(err)
	}
	if c.UnknownScale != 1.5 || c.UnknownViews != 1 || c.Conv != "int8" {
		t.Errorf("unknown_scale %v, unknown_views %d, conv %q: the flags should win", c.UnknownScale, c.UnknownViews, c.Conv)
	}
	// The command's own flags on the same set are not the config's.
	cmd := flag.NewFlagSet("serve", flag.ContinueOnError)
	check := cmd.Bool("check", false, "")
	g := NewFlags(cmd)
	if err := cmd.Parse([]string{"--check"}); err != nil || !*check {
		t.Fatal(err)
	}
	if _, err := g.LoadWithFlags(); err != nil {
		t.Errorf("--check beside the config's flags: %v", err)
	}
	if err := f.fs.Parse([]string{"--conv", "fast"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.LoadWithFlags(); err == nil || !strings.Contains(err.Error(), "conv") {
		t.Errorf("--conv fast: %v, want an error naming conv", err)
	}
}

// conv takes the algorithms nn parses; the default is auto.
func TestConv(t *testing.T) {
	if c := Default(); c.Conv != "auto" || c.Validate() != nil {
		t.Errorf("default conv %q: %v", c.Conv, c.Validate())
	}
	for _, v := range []string{"auto", "direct", "winograd-f2", "winograd-f4", "int8"} {
		c, err := Parse([]byte("conv: " + v + "\n"))
		if err != nil || c.Validate() != nil {
			t.Errorf("conv %s: %v %v", v, err, c.Validate())
		}
	}
}
