package config

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sliced-ai/sliced/device/gpio"
	"github.com/sliced-ai/sliced/engine/nn"
)

// Flags registers one flag per configuration key on fs. After fs.Parse,
// call Apply on the loaded file's Config: only flags given on the command
// line override it, so a reload keeps the command line's word.
type Flags struct {
	fs       *flag.FlagSet
	Config   string // --config, the YAML file
	c        Config
	sources  []string
	backends []string
	trigger  gpio.TriggerSpec
	outputs  []string
	own      map[string]bool // the flags NewFlags registered (fs holds the command's others too)
}

// NewFlags registers the flags.
func NewFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{fs: fs, c: Default(), own: map[string]bool{}}
	before := map[string]bool{}
	fs.VisitAll(func(fl *flag.Flag) { before[fl.Name] = true })
	defer fs.VisitAll(func(fl *flag.Flag) { f.own[fl.Name] = !before[fl.Name] })
	c := &f.c
	fs.StringVar(&f.Config, "config", "", "YAML configuration `file`")
	fs.StringVar(&c.Listen, "listen", c.Listen, "HTTP listen `address`")
	fs.StringVar(&c.GRPCListen, "grpc-listen", c.GRPCListen, "KServe v2 gRPC listen `address`, e.g. 127.0.0.1:8001 (empty: no gRPC)")
	fs.StringVar(&c.Engine, "engine", c.Engine, "engine `file`, or an embedded engine: mnist (the default when empty) or scene")
	fs.Float64Var(&c.UnknownScale, "unknown-scale", c.UnknownScale, "open-set strictness: multiplies every class radius (larger is more lenient, 0 never answers unknown)")
	fs.IntVar(&c.UnknownViews, "unknown-views", c.UnknownViews, "open-set views: how many one-pixel shifts of a digit frame (with the frame) the unknown rule averages where the frame is near its class radius (1: the frame alone)")
	fs.StringVar(&c.Conv, "conv", c.Conv, nn.ConvAlgoUsage())
	fs.StringVar(&c.StateDir, "state-dir", c.StateDir, "`directory` for the enrolled engine")
	fs.StringVar(&c.ModelDir, "model-dir", c.ModelDir, "`directory` of engine files NAME.slc that the v2 repository API loads as model NAME")
	fs.StringVar(&c.TokenFile, "token-file", c.TokenFile, "`file` holding the bearer token of mutating endpoints")
	fs.StringVar(&c.Log.Format, "log-format", c.Log.Format, "log format: text or json")
	fs.StringVar(&c.Log.Level, "log-level", c.Log.Level, "log level: debug, info, warn or error")
	fs.StringVar(&c.Backend, "backend", c.Backend, "primary backend `name`")
	fs.Func("backends", "extra backends, comma-separated `NAME[:DEVICE][=MODEL]`", func(v string) error {
		f.backends = strings.Split(v, ",")
		return nil
	})
	fs.StringVar(&c.Compare.Backend, "compare", c.Compare.Backend, "backend `name` to compare the primary with")
	fs.IntVar(&c.Compare.Every, "compare-every", c.Compare.Every, "compare one frame in `N`")
	fs.Func("source", "frame source `[NAME=]KIND:PATH` (repeatable; kinds: "+strings.Join(Kinds, ", ")+")", func(v string) error {
		f.sources = append(f.sources, v)
		return nil
	})
	fs.Int64Var(&c.Limits.BodyBytes, "max-body-bytes", c.Limits.BodyBytes, "largest request body in `bytes`")
	fs.Int64Var(&c.Limits.ImagePixels, "max-image-pixels", c.Limits.ImagePixels, "largest decoded image in `pixels`")
	fs.DurationVar(&c.Timeouts.Read, "read-timeout", c.Timeouts.Read, "HTTP read timeout")
	fs.DurationVar(&c.Timeouts.Write, "write-timeout", c.Timeouts.Write, "HTTP write timeout")
	fs.DurationVar(&c.Timeouts.Idle, "idle-timeout", c.Timeouts.Idle, "HTTP keep-alive idle timeout")
	fs.DurationVar(&c.Timeouts.Shutdown, "shutdown-timeout", c.Timeouts.Shutdown, "time to drain requests on SIGTERM")
	fs.IntVar(&c.Candidates.Keep, "candidates-keep", c.Candidates.Keep, "keep the last `N` frames answered unknown or with a low score for enrolment (0: none)")
	fs.Float64Var(&c.Candidates.Below, "candidates-below", c.Candidates.Below, "a known answer scored below this `score` is kept as a candidate (0: unknown answers only)")
	fs.StringVar(&f.trigger.Pin, "gpio-trigger", "", "GPIO input `pin` whose edge captures a frame (e.g. GPIO17)")
	fs.StringVar(&f.trigger.Edge, "gpio-trigger-edge", "", "trigger edge: rising, falling or both")
	fs.DurationVar(&f.trigger.Debounce, "gpio-trigger-debounce", 0, "ignore trigger edges this soon after one (default 50ms)")
	fs.Func("gpio-output", "GPIO output `PIN=CLASS[,mode=pulse][,hold=D][,min_score=S][,active_low=true]` (repeatable)", func(v string) error {
		f.outputs = append(f.outputs, v)
		return nil
	})
	fs.StringVar(&c.Power.Sensor, "power-sensor", "", "power sensor: ina219 or ina3221")
	fs.StringVar(&c.Power.Bus, "power-bus", "", "I2C `bus` of the power sensor (e.g. 1 for /dev/i2c-1)")
	fs.Func("power-address", "I2C `address` of the power sensor (default 0x40)", func(v string) error {
		n, err := strconv.ParseUint(v, 0, 16)
		c.Power.Address = uint16(n)
		return err
	})
	fs.IntVar(&c.Power.Channel, "power-channel", 0, "INA3221 `channel` 1..3 (default 1)")
	fs.Float64Var(&c.Power.ShuntOhms, "power-shunt-ohms", 0, "shunt `resistance` in ohms (default 0.1)")
	fs.DurationVar(&c.Power.Interval, "power-interval", 0, "power sampling period (default 10ms)")
	m := &c.MQTT
	fs.StringVar(&m.Broker, "mqtt-broker", m.Broker, "MQTT broker `URL` (tcp://HOST:1883, ssl://HOST:8883) for events; empty: none")
	fs.StringVar(&m.ClientID, "mqtt-client-id", m.ClientID, "MQTT client `id` (default sliced-NODE)")
	fs.StringVar(&m.Node, "mqtt-node", m.Node, "topic level `name` of this daemon (default the host name)")
	fs.StringVar(&m.Prefix, "mqtt-prefix", m.Prefix, "first topic level of the events")
	fs.StringVar(&m.Username, "mqtt-username", m.Username, "MQTT user `name`")
	fs.StringVar(&m.Password, "mqtt-password", m.Password, "MQTT password (other users see it in ps: prefer --mqtt-password-file or --mqtt-password-credential)")
	fs.StringVar(&m.PasswordFile, "mqtt-password-file", m.PasswordFile, "`file` holding the MQTT password")
	fs.StringVar(&m.PasswordCredential, "mqtt-password-credential", m.PasswordCredential, "systemd credential `name` holding the MQTT password ($CREDENTIALS_DIRECTORY/NAME)")
	fs.StringVar(&m.CAFile, "mqtt-ca-file", m.CAFile, "PEM `file` of the CA that signed the broker's certificate (default the system's)")
	fs.StringVar(&m.CertFile, "mqtt-cert-file", m.CertFile, "PEM client certificate `file`")
	fs.StringVar(&m.KeyFile, "mqtt-key-file", m.KeyFile, "PEM client key `file`")
	fs.IntVar(&m.QoS, "mqtt-qos", m.QoS, "QoS of the events: 0 or 1")
	fs.IntVar(&m.Queue, "mqtt-queue", m.Queue, "events held while the broker is away (`N`; the oldest go beyond)")
	fs.IntVar(&m.Debounce, "mqtt-debounce", m.Debounce, "consecutive frames (`N`) that must agree before a source's state changes")
	fs.StringVar(&m.DiscoveryPrefix, "mqtt-discovery-prefix", m.DiscoveryPrefix, "Home Assistant discovery `prefix` (- for none)")
	fs.DurationVar(&m.ReconnectMin, "mqtt-reconnect-min", m.ReconnectMin, "first wait before reconnecting to the broker")
	fs.DurationVar(&m.ReconnectMax, "mqtt-reconnect-max", m.ReconnectMax, "longest wait between reconnects (the wait doubles up to it)")
	return f
}

// Apply copies the flags given on the command line onto c.
func (f *Flags) Apply(c *Config) error {
	var err error
	f.fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "listen":
			c.Listen = f.c.Listen
		case "grpc-listen":
			c.GRPCListen = f.c.GRPCListen
		case "engine":
			c.Engine = f.c.Engine
		case "unknown-scale":
			c.UnknownScale = f.c.UnknownScale
		case "unknown-views":
			c.UnknownViews = f.c.UnknownViews
		case "conv":
			c.Conv = f.c.Conv
		case "state-dir":
			c.StateDir = f.c.StateDir
		case "model-dir":
			c.ModelDir = f.c.ModelDir
		case "token-file":
			c.TokenFile = f.c.TokenFile
		case "log-format":
			c.Log.Format = f.c.Log.Format
		case "log-level":
			c.Log.Level = f.c.Log.Level
		case "backend":
			c.Backend = f.c.Backend
		case "compare":
			c.Compare.Backend = f.c.Compare.Backend
		case "compare-every":
			c.Compare.Every = f.c.Compare.Every
		case "max-body-bytes":
			c.Limits.BodyBytes = f.c.Limits.BodyBytes
		case "max-image-pixels":
			c.Limits.ImagePixels = f.c.Limits.ImagePixels
		case "read-timeout":
			c.Timeouts.Read = f.c.Timeouts.Read
		case "write-timeout":
			c.Timeouts.Write = f.c.Timeouts.Write
		case "idle-timeout":
			c.Timeouts.Idle = f.c.Timeouts.Idle
		case "shutdown-timeout":
			c.Timeouts.Shutdown = f.c.Timeouts.Shutdown
		case "candidates-keep":
			c.Candidates.Keep = f.c.Candidates.Keep
		case "candidates-below":
			c.Candidates.Below = f.c.Candidates.Below
		case "backends":
			c.Backends = nil
			for _, v := range f.backends {
				b, e := parseBackend(v)
				if e != nil {
					err = e
				}
				c.Backends = append(c.Backends, b)
			}
		case "gpio-trigger", "gpio-trigger-edge", "gpio-trigger-debounce":
			if c.GPIO.Trigger == nil {
				c.GPIO.Trigger = &gpio.TriggerSpec{}
			}
			t := c.GPIO.Trigger
			switch fl.Name {
			case "gpio-trigger":
				t.Pin = f.trigger.Pin
			case "gpio-trigger-edge":
				t.Edge = f.trigger.Edge
			default:
				t.Debounce = f.trigger.Debounce
			}
		case "gpio-output":
			c.GPIO.Outputs = nil
			for _, v := range f.outputs {
				o, e := parseOutput(v)
				if e != nil {
					err = e
				}
				c.GPIO.Outputs = append(c.GPIO.Outputs, o)
			}
		case "power-sensor":
			c.Power.Sensor = f.c.Power.Sensor
		case "power-bus":
			c.Power.Bus = f.c.Power.Bus
		case "power-address":
			c.Power.Address = f.c.Power.Address
		case "power-channel":
			c.Power.Channel = f.c.Power.Channel
		case "power-shunt-ohms":
			c.Power.ShuntOhms = f.c.Power.ShuntOhms
		case "power-interval":
			c.Power.Interval = f.c.Power.Interval
		case "mqtt-broker":
			c.MQTT.Broker = f.c.MQTT.Broker
		case "mqtt-client-id":
			c.MQTT.ClientID = f.c.MQTT.ClientID
		case "mqtt-node":
			c.MQTT.Node = f.c.MQTT.Node
		case "mqtt-prefix":
			c.MQTT.Prefix = f.c.MQTT.Prefix
		case "mqtt-username":
			c.MQTT.Username = f.c.MQTT.Username
		case "mqtt-password":
			c.MQTT.Password = f.c.MQTT.Password
		case "mqtt-password-file":
			c.MQTT.PasswordFile = f.c.MQTT.PasswordFile
		case "mqtt-password-credential":
			c.MQTT.PasswordCredential = f.c.MQTT.PasswordCredential
		case "mqtt-ca-file":
			c.MQTT.CAFile = f.c.MQTT.CAFile
		case "mqtt-cert-file":
			c.MQTT.CertFile = f.c.MQTT.CertFile
		case "mqtt-key-file":
			c.MQTT.KeyFile = f.c.MQTT.KeyFile
		case "mqtt-qos":
			c.MQTT.QoS = f.c.MQTT.QoS
		case "mqtt-queue":
			c.MQTT.Queue = f.c.MQTT.Queue
		case "mqtt-debounce":
			c.MQTT.Debounce = f.c.MQTT.Debounce
		case "mqtt-discovery-prefix":
			c.MQTT.DiscoveryPrefix = f.c.MQTT.DiscoveryPrefix
		case "mqtt-reconnect-min":
			c.MQTT.ReconnectMin = f.c.MQTT.ReconnectMin
		case "mqtt-reconnect-max":
			c.MQTT.ReconnectMax = f.c.MQTT.ReconnectMax
		case "source":
			c.Sources = nil
			for i, v := range f.sources {
				s, e := ParseSource(v, i)
				if e != nil {
					err = e
				}
				c.Sources = append(c.Sources, s)
			}
		case "config":
		default:
			// A flag registered above and not copied here would be
			// taken and ignored.
			if f.own[fl.Name] {
				err = fmt.Errorf("config: flag --%s is not applied", fl.Name)
			}
		}
	})
	return err
}

// parseBackend reads NAME[:DEVICE][=MODEL].
func parseBackend(v string) (Backend, error) {
	var b Backend
	v, b.Model, _ = strings.Cut(v, "=")
	b.Name, b.Device, _ = strings.Cut(v, ":")
	if b.Name == "" {
		return b, fmt.Errorf("--backends: empty name in %q", v)
	}
	return b, nil
}

// parseOutput reads PIN=CLASS[,mode=M][,hold=D][,min_score=S][,active_low=B].
func parseOutput(v string) (gpio.OutputSpec, error) {
	var o gpio.OutputSpec
	parts := strings.Split(v, ",")
	pin, class, ok := strings.Cut(parts[0], "=")
	if !ok || pin == "" || class == "" {
		return o, fmt.Errorf("--gpio-output %q: want PIN=CLASS[,mode=pulse][,hold=D][,min_score=S][,active_low=true]", v)
	}
	o.Pin, o.Class = pin, class
	for _, kv := range parts[1:] {
		key, val, _ := strings.Cut(kv, "=")
		var err error
		switch key {
		case "mode":
			o.Mode = val
		case "hold":
			o.Hold, err = time.ParseDuration(val)
		case "min_score":
			var s float64
			s, err = strconv.ParseFloat(val, 32)
			o.MinScore = float32(s)
		case "active_low":
			o.ActiveLow, err = strconv.ParseBool(val)
		default:
			err = fmt.Errorf("unknown key")
		}
		if err != nil {
			return o, fmt.Errorf("--gpio-output %q: %s: %v", v, key, err)
		}
	}
	return o, nil
}

// LoadWithFlags loads the --config file, applies the command line over it
// and validates the result.
func (f *Flags) LoadWithFlags() (Config, error) {
	c, err := Load(f.Config)
	if err != nil {
		return c, err
	}
	if err := f.Apply(&c); err != nil {
		return c, err
	}
	return c, c.Validate()
}
