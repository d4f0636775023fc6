package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/sliced-ai/sliced/device/gpio"
	"github.com/sliced-ai/sliced/device/power"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
)

// Config is the whole daemon configuration.
type Config struct {
	Listen string `yaml:"listen"`
	// GRPCListen is the address of the KServe v2 gRPC service; empty: no
	// gRPC. It has its own listener so that it can be left off or firewalled
	// apart from HTTP.
	GRPCListen string `yaml:"grpc_listen"`
	Engine     string `yaml:"engine"`
	// UnknownScale is the open-set strictness: it multiplies every class
	// radius of the engine (larger answers unknown less often, 0 never).
	UnknownScale float64 `yaml:"unknown_scale"`
	// UnknownViews is how many views of a digit frame (the frame and its
	// one-pixel shifts) the open-set rule averages near a class radius;
	// 1 is the frame alone.
	UnknownViews int `yaml:"unknown_views"`
	// Conv is the convolution algorithm of the engine's sessions: auto
	// (the default: Winograd F(4,3) where its kernels run, else direct),
	// direct, winograd-f2, winograd-f4 or int8 (integer products where
	// the CPU has AVX512-VNNI or arm64's dot product, else auto).
	Conv     string `yaml:"conv"`
	StateDir string `yaml:"state_dir"`
	// ModelDir is the model folder of the v2 repository extension: engine
	// files NAME.slc that POST /v2/repository/models/NAME/load serves.
	ModelDir   string     `yaml:"model_dir"`
	TokenFile  string     `yaml:"token_file"`
	Log        Log        `yaml:"log"`
	Backend    string     `yaml:"backend"`
	Backends   []Backend  `yaml:"backends"`
	Compare    Compare    `yaml:"compare"`
	Sources    []Source   `yaml:"sources"`
	Limits     Limits     `yaml:"limits"`
	Timeouts   Timeouts   `yaml:"timeouts"`
	Candidates Candidates `yaml:"candidates"`
	// GPIO and Power are read at start only; a reload that changes them
	// is logged and needs a restart.
	GPIO  gpio.Config  `yaml:"gpio"`
	Power power.Config `yaml:"power"`
	// MQTT is read at start only, like GPIO; Broker empty turns it off.
	MQTT MQTT `yaml:"mqtt"`
}

// MQTT publishes state changes, unknowns and enrolments as JSON events,
// with Home Assistant discovery (package events).
type MQTT struct {
	Broker   string `yaml:"broker"`    // tcp://HOST:1883, ssl://HOST:8883; empty: off
	ClientID string `yaml:"client_id"` // default sliced-NODE
	Node     string `yaml:"node"`      // topic level naming this daemon; default the host name
	Prefix   string `yaml:"prefix"`    // first topic level
	Username string `yaml:"username"`
	// The password comes from one of these: inline, a file, or a systemd
	// credential ($CREDENTIALS_DIRECTORY/NAME, from LoadCredential=).
	Password           string `yaml:"password"`
	PasswordFile       string `yaml:"password_file"`
	PasswordCredential string `yaml:"password_credential"`
	CAFile             string `yaml:"ca_file"`   // CA of the broker's certificate; default the system's
	CertFile           string `yaml:"cert_file"` // client certificate, with KeyFile
	KeyFile            string `yaml:"key_file"`
	QoS                int    `yaml:"qos"`   // 0 or 1 for events
	Queue              int    `yaml:"queue"` // events held while the broker is away; oldest dropped beyond
	// Debounce is how many consecutive frames must agree before a
	// source's state changes (1: every change).
	Debounce        int           `yaml:"debounce"`
	DiscoveryPrefix string        `yaml:"discovery_prefix"` // Home Assistant's; "-" turns discovery off
	ReconnectMin    time.Duration `yaml:"reconnect_min"`
	ReconnectMax    time.Duration `yaml:"reconnect_max"`
}

// MaxMQTTQueue bounds mqtt.queue: an event is a few hundred bytes.
const MaxMQTTQueue = 1000000

// Log selects the slog handler.
type Log struct {
	Format string `yaml:"format"` // text or json
	Level  string `yaml:"level"`  // debug, info, warn, error
}

// Backend is one extra backend to load besides sliced.
type Backend struct {
	Name   string `yaml:"name"`
	Device string `yaml:"device"`
	Model  string `yaml:"model"`
}

// Compare sends every Every-th frame also to Backend.
type Compare struct {
	Backend string `yaml:"backend"`
	Every   int    `yaml:"every"`
}

// Source is one frame source with its own pipeline.
type Source struct {
	Name     string        `yaml:"name"`
	Kind     string        `yaml:"kind"`
	Path     string        `yaml:"path"`
	Loop     bool          `yaml:"loop"`
	FPS      float64       `yaml:"fps"`      // pace of dir, video and rtsp sources; 0: as fast as read
	Watchdog time.Duration `yaml:"watchdog"` // reopen after this long without a frame
	Width    int           `yaml:"width"`    // capture size asked of a device
	Height   int           `yaml:"height"`
	// ROI is the rectangle of the frame that an engine in roi mode
	// classifies; engines in other modes ignore it. It is the source's one
	// unnamed region; Regions names several instead.
	ROI     *Region       `yaml:"roi"`
	Regions []NamedRegion `yaml:"regions"`
	// Smooth is how many equal answers in a row a region needs before its
	// reported state changes; 0 or 1 reports every answer.
	Smooth int `yaml:"smooth"`
}

// Limits bound what a client can make the daemon do.
type Limits struct {
	BodyBytes   int64 `yaml:"body_bytes"`
	ImagePixels int64 `yaml:"image_pixels"`
}

// Candidates are the frames kept for enrolment (package candidates): the
// last Keep answered unknown or scored below Below.
type Candidates struct {
	Keep  int     `yaml:"keep"`  // 0 keeps none
	Below float64 `yaml:"below"` // 0: unknown answers only
}

// MaxCandidates bounds candidates.keep: each is a file of about 10 KB
// and about 5 KB of memory.
const MaxCandidates = 1000

// Timeouts of the HTTP server and of shutdown.
type Timeouts struct {
	Read     time.Duration `yaml:"read"`
	Write    time.Duration `yaml:"write"`
	Idle     time.Duration `yaml:"idle"`
	Shutdown time.Duration `yaml:"shutdown"`
}

// Default is the configuration without a file.
func Default() Config {
	return Config{
		Listen:       "127.0.0.1:8080",
		StateDir:     "/var/lib/sliced",
		Log:          Log{Format: "text", Level: "info"},
		Backend:      "sliced",
		Compare:      Compare{Every: 10},
		UnknownScale: 1,
		UnknownViews: engine.DefaultUnknownViews,
		Conv:         "auto",
		Limits:       Limits{BodyBytes: 4 << 20, ImagePixels: 4096 * 4096},
		Timeouts:     Timeouts{Read: 30 * time.Second, Write: 30 * time.Second, Idle: 120 * time.Second, Shutdown: 10 * time.Second},
		Candidates:   Candidates{Keep: 50, Below: 0.5},
		MQTT: MQTT{Prefix: "sliced", QoS: 1, Queue: 10000, Debounce: 1, DiscoveryPrefix: "homeassistant",
			ReconnectMin: 500 * time.Millisecond, ReconnectMax: 30 * time.Second},
	}
}

// Parse reads YAML over the defaults. Unknown keys are errors.
func Parse(data []byte) (Config, error) {
	c := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	for i := range c.Sources {
		c.Sources[i].setDefaults(i)
	}
	return c, nil
}

// Load reads the file at path; an empty path gives the defaults.
func Load(path string) (Config, error) {
	if path == "" {
		return Default(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

func (s *Source) setDefaults(i int) {
	if s.Name == "" {
		s.Name = fmt.Sprintf("%s%d", s.Kind, i)
	}
	if s.Watchdog == 0 {
		s.Watchdog = 10 * time.Second
	}
}

// ParseSource reads a --source value: [NAME=]KIND:PATH[,KEY=VALUE...] with
// the keys loop, fps, watchdog, width, height, roi (X:Y:W:H, pixels or
// fractions as in Region) and smooth. Loop defaults to true. Named regions
// are YAML only.
func ParseSource(v string, i int) (Source, error) {
	s := Source{Loop: true}
	if n, rest, ok := strings.Cut(v, "="); ok && !strings.ContainsAny(n, ":/,") {
		s.Name, v = n, rest
	}
	kind, rest, ok := strings.Cut(v, ":")
	if !ok {
		return s, fmt.Errorf("--source %q: want [NAME=]KIND:PATH[,KEY=VALUE...], e.g. dir:/srv/frames,fps=10", v)
	}
	s.Kind = kind
	// Options follow the last comma whose tail looks like key=value, so
	// a GStreamer pipeline with commas in it stays whole.
	parts := strings.Split(rest, ",")
	n := len(parts)
	for n > 1 && optionKey(parts[n-1]) {
		n--
	}
	s.Path = strings.Join(parts[:n], ",")
	for _, kv := range parts[n:] {
		key, val, _ := strings.Cut(kv, "=")
		var err error
		switch key {
		case "loop":
			s.Loop, err = strconv.ParseBool(val)
		case "fps":
			s.FPS, err = strconv.ParseFloat(val, 64)
		case "watchdog":
			s.Watchdog, err = time.ParseDuration(val)
		case "width":
			s.Width, err = strconv.Atoi(val)
		case "height":
			s.Height, err = strconv.Atoi(val)
		case "roi":
			s.ROI, err = parseRegion(val)
		case "smooth":
			s.Smooth, err = strconv.Atoi(val)
		}
		if err != nil {
			return s, fmt.Errorf("--source %q: %s: %v", v, key, err)
		}
	}
	s.setDefaults(i)
	return s, nil
}

func optionKey(kv string) bool {
	key, val, ok := strings.Cut(kv, "=")
	switch key {
	case "loop", "fps", "watchdog", "width", "height", "roi", "smooth":
		return ok && !strings.ContainsAny(val, " !")
	}
	return false
}

var sourceName = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,64}$`)

// Kinds are the source kinds the daemon knows.
var Kinds = []string{"dir", "video", "device", "gstreamer", "rtsp", "upload"}

// Validate checks every key and names the first bad one.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, a ...any) {
		errs = append(errs, fmt.Errorf("config: %s: %s", key, fmt.Sprintf(format, a...)))
	}
	if c.Listen == "" {
		bad("listen", "empty")
	}
	if c.GRPCListen != "" {
		if _, _, err := net.SplitHostPort(c.GRPCListen); err != nil {
			bad("grpc_listen", "%v (want host:port, e.g. 127.0.0.1:8001)", err)
		}
	}
	if c.StateDir == "" {
		bad("state_dir", "empty")
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		bad("log.format", "%q is not text or json", c.Log.Format)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q is not debug, info, warn or error", c.Log.Level)
	}
	if c.Backend == "" {
		bad("backend", "empty")
	}
	for i, b := range c.Backends {
		if b.Name == "" {
			bad(fmt.Sprintf("backends[%d].name", i), "empty")
		}
	}
	if !(c.UnknownScale >= 0 && c.UnknownScale <= 100) {
		bad("unknown_scale", "%v, want 0 (never unknown) to 100", c.UnknownScale)
	}
	if c.UnknownViews < 1 || c.UnknownViews > engine.DefaultUnknownViews {
		bad("unknown_views", "%d, want 1 (the frame alone) to %d", c.UnknownViews, engine.DefaultUnknownViews)
	}
	if _, err := nn.ParseConvAlgo(c.Conv); err != nil {
		bad("conv", "%q is not %s", c.Conv, nn.ConvAlgoNames())
	}
	if c.Compare.Backend != "" && c.Compare.Every < 1 {
		bad("compare.every", "%d, want at least 1", c.Compare.Every)
	}
	seen := map[string]bool{}
	for i, s := range c.Sources {
		key := fmt.Sprintf("sources[%d]", i)
		switch {
		case !sourceName.MatchString(s.Name):
			bad(key+".name", "%q: use 1-64 letters, digits, '_', '.' or '-'", s.Name)
		case seen[s.Name]:
			bad(key+".name", "%q used twice", s.Name)
		}
		seen[s.Name] = true
		known := false
		for _, k := range Kinds {
			known = known || k == s.Kind
		}
		if !known {
			bad(key+".kind", "%q is not one of %v", s.Kind, Kinds)
		}
		if s.Path == "" && s.Kind != "upload" {
			bad(key+".path", "empty")
		}
		if s.FPS < 0 {
			bad(key+".fps", "%v is negative", s.FPS)
		}
		if s.Watchdog < 0 {
			bad(key+".watchdog", "%v is negative", s.Watchdog)
		}
		s.validateRegions(key, bad)
	}
	if c.Limits.BodyBytes <= 0 {
		bad("limits.body_bytes", "%d, want > 0", c.Limits.BodyBytes)
	}
	if c.Limits.ImagePixels <= 0 {
		bad("limits.image_pixels", "%d, want > 0", c.Limits.ImagePixels)
	}
	for _, t := range []struct {
		key string
		d   time.Duration
	}{{"timeouts.read", c.Timeouts.Read}, {"timeouts.write", c.Timeouts.Write},
		{"timeouts.idle", c.Timeouts.Idle}, {"timeouts.shutdown", c.Timeouts.Shutdown}} {
		if t.d <= 0 {
			bad(t.key, "%v, want > 0", t.d)
		}
	}
	if c.Candidates.Keep < 0 || c.Candidates.Keep > MaxCandidates {
		bad("candidates.keep", "%d, want 0 (none) to %d", c.Candidates.Keep, MaxCandidates)
	}
	if !(c.Candidates.Below >= 0 && c.Candidates.Below <= 1) {
		bad("candidates.below", "%v, want a score from 0 (unknown answers only) to 1", c.Candidates.Below)
	}
	c.validateHardware(bad)
	c.validateMQTT(bad)
	return errors.Join(errs...)
}

// validateHardware checks the gpio: and power: sections; their own
// messages already name the key.
func (c *Config) validateHardware(bad func(key, format string, a ...any)) {
	if c.GPIO.Enabled() {
		if err := c.GPIO.Validate(); err != nil {
			for _, e := range unjoin(err) {
				key, msg, _ := strings.Cut(e.Error(), ": ")
				bad(key, "%s", msg)
			}
		}
		if t := c.GPIO.Trigger; t != nil {
			for i, name := range t.Sources {
				if !c.hasSource(name) {
					bad(fmt.Sprintf("gpio.trigger.sources[%d]", i), "%q is not a configured source", name)
				}
			}
		}
	}
	if c.Power.Enabled() {
		if err := c.Power.Validate(); err != nil {
			key, msg, _ := strings.Cut(err.Error(), ": ")
			bad(key, "%s", msg)
		}
	}
}

func (c *Config) hasSource(name string) bool {
	for _, s := range c.Sources {
		if s.Name == name {
			return true
		}
	}
	return false
}

// unjoin splits an errors.Join result into its parts.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

var topicLevel = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,64}$`)

func (c *Config) validateMQTT(bad func(key, format string, a ...any)) {
	m := c.MQTT
	if m.Broker == "" {
		return
	}
	scheme, _, ok := strings.Cut(m.Broker, "://")
	switch {
	case !ok:
		bad("mqtt.broker", "%q: want tcp://HOST:PORT or ssl://HOST:PORT", m.Broker)
	case scheme != "tcp" && scheme != "ssl" && scheme != "mqtt" && scheme != "mqtts" && scheme != "tls":
		bad("mqtt.broker", "scheme %q: want tcp, mqtt, ssl, mqtts or tls", scheme)
	}
	if m.Node != "" && !topicLevel.MatchString(m.Node) {
		bad("mqtt.node", "%q: use 1-64 letters, digits, '_', '.' or '-'", m.Node)
	}
	if !topicLevel.MatchString(m.Prefix) {
		bad("mqtt.prefix", "%q: use 1-64 letters, digits, '_', '.' or '-'", m.Prefix)
	}
	if m.DiscoveryPrefix != "-" && !topicLevel.MatchString(m.DiscoveryPrefix) {
		bad("mqtt.discovery_prefix", "%q: use 1-64 letters, digits, '_', '.' or '-', or - for no discovery", m.DiscoveryPrefix)
	}
	n := 0
	for _, p := range []string{m.Password, m.PasswordFile, m.PasswordCredential} {
		if p != "" {
			n++
		}
	}
	if n > 1 {
		bad("mqtt.password", "give one of password, password_file and password_credential")
	}
	if strings.ContainsAny(m.PasswordCredential, "/") {
		bad("mqtt.password_credential", "%q: a credential name, not a path", m.PasswordCredential)
	}
	if (m.CertFile == "") != (m.KeyFile == "") {
		bad("mqtt.cert_file", "cert_file and key_file go together")
	}
	if m.QoS != 0 && m.QoS != 1 {
		bad("mqtt.qos", "%d, want 0 or 1", m.QoS)
	}
	if m.Queue < 1 || m.Queue > MaxMQTTQueue {
		bad("mqtt.queue", "%d, want 1 to %d", m.Queue, MaxMQTTQueue)
	}
	if m.Debounce < 1 {
		bad("mqtt.debounce", "%d, want at least 1", m.Debounce)
	}
	if m.ReconnectMin <= 0 || m.ReconnectMax < m.ReconnectMin {
		bad("mqtt.reconnect_min", "%v to %v: want 0 < min <= max", m.ReconnectMin, m.ReconnectMax)
	}
}
