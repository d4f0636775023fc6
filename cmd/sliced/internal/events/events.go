package events

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
)

// Options are what New needs besides the configuration.
type Options struct {
	Version string           // software version in the discovery device
	Sources []string         // the sensors to announce: Topic(source, region) of every region
	Metrics *metrics.Metrics // may be nil
	Log     *slog.Logger
	// Credentials is the systemd credentials directory; default
	// $CREDENTIALS_DIRECTORY.
	Credentials string
}

// Publisher holds the queue and the broker connection. Its methods are
// safe for concurrent use, and a nil Publisher ignores every call, so the
// daemon needs no check where MQTT is off.
type Publisher struct {
	c       config.MQTT
	o       Options
	node    string
	base    string // PREFIX/NODE
	opts    *mqtt.ClientOptions
	log     *slog.Logger
	nextID  atomic.Uint64
	wake    chan struct{}
	cancel  context.CancelFunc
	done    chan struct{}
	connect atomic.Bool

	mu        sync.Mutex
	queue     []message
	sources   []string
	announced map[string]bool // discovery topics published on this connection
	discover  bool            // discovery to (re)publish
	tracks    map[string]*track
	classes   []string // the engine's, for the enrolment difference
	version   int
	haveCls   bool
	dropping  bool // warned of a full queue since the last send
}

type message struct {
	id      uint64
	topic   string
	payload []byte
	retain  bool
}

// Flush bounds how long Close spends sending what is still queued.
const Flush = 2 * time.Second

var unsafeLevel = regexp.MustCompile(`[^a-zA-Z0-9_.-]`)

// New checks the configuration and prepares the client; Start connects.
func New(c config.MQTT, o Options) (*Publisher, error) {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Credentials == "" {
		o.Credentials = os.Getenv("CREDENTIALS_DIRECTORY")
	}
	node := c.Node
	if node == "" {
		h, _ := os.Hostname()
		if node = unsafeLevel.ReplaceAllString(h, "_"); node == "" {
			node = "sliced"
		}
	}
	p := &Publisher{c: c, o: o, node: node, base: c.Prefix + "/" + node, log: o.Log.With("component", "mqtt"),
		wake: make(chan struct{}, 1), done: make(chan struct{}), sources: o.Sources, discover: true,
		announced: map[string]bool{}, tracks: map[string]*track{}}
	id := c.ClientID
	if id == "" {
		id = "sliced-" + node
	}
	pass, err := password(c, o.Credentials)
	if err != nil {
		return nil, err
	}
	opts := mqtt.NewClientOptions().AddBroker(c.Broker).SetClientID(id).SetUsername(c.Username).SetPassword(pass).
		SetCleanSession(true).SetAutoReconnect(false).SetConnectRetry(false).SetConnectTimeout(5*time.Second).
		SetKeepAlive(30*time.Second).SetOrderMatters(false).
		SetWill(p.Availability(), "offline", 1, true)
	if tc, err := tlsConfig(c); err != nil {
		return nil, err
	} else if tc != nil {
		opts.SetTLSConfig(tc)
	}
	p.opts = opts
	return p, nil
}

// password reads the password from the one place the configuration names.
func password(c config.MQTT, creds string) (string, error) {
	var path string
	switch {
	case c.Password != "":
		return c.Password, nil
	case c.PasswordFile != "":
		path = c.PasswordFile
	case c.PasswordCredential != "":
		if creds == "" {
			return "", fmt.Errorf("mqtt.password_credential %q: $CREDENTIALS_DIRECTORY is not set (LoadCredential= in the unit)", c.PasswordCredential)
		}
		path = filepath.Join(creds, c.PasswordCredential)
	default:
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("mqtt password: %w", err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// tlsConfig is nil for a plain tcp:// broker without client certificates.
func tlsConfig(c config.MQTT) (*tls.Config, error) {
	scheme, _, _ := strings.Cut(c.Broker, "://")
	secure := scheme == "ssl" || scheme == "tls" || scheme == "mqtts"
	if !secure && c.CAFile == "" && c.CertFile == "" {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("mqtt.ca_file: %w", err)
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("mqtt.ca_file %s: no PEM certificate", c.CAFile)
		}
	}
	if c.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("mqtt.cert_file: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// Availability is the topic of online and offline.
func (p *Publisher) Availability() string { return p.base + "/availability" }

// Node is the topic level naming this daemon.
func (p *Publisher) Node() string { return p.node }

// Start connects in the background, reconnecting until Close.
func (p *Publisher) Start() {
	if p == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go func() {
		defer close(p.done)
		p.run(ctx)
	}()
}

// Close sends what is queued for up to Flush, says offline and
// disconnects.
func (p *Publisher) Close() {
	if p == nil || p.cancel == nil {
		return
	}
	p.cancel()
	<-p.done
}

// Connected reports whether the broker connection is up.
func (p *Publisher) Connected() bool { return p != nil && p.connect.Load() }

// Queued is the number of events waiting for the broker.
func (p *Publisher) Queued() int {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.queue)
}

// SetSources changes the sources announced to Home Assistant; those gone
// get their discovery entry removed.
func (p *Publisher) SetSources(names []string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.sources, p.discover = names, true
	p.mu.Unlock()
	p.poke()
}

func (p *Publisher) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// enqueue adds an event with the next id, dropping the oldest beyond the
// bound. v is marshalled with its id set by fill.
func (p *Publisher) enqueue(topic string, retain bool, fill func(id uint64) any) {
	p.mu.Lock()
	id := p.nextID.Add(1)
	b, err := json.Marshal(fill(id))
	if err != nil {
		p.mu.Unlock()
		p.log.Error("event not encoded", "topic", topic, "err", err)
		return
	}
	dropped := 0
	for len(p.queue) >= p.c.Queue {
		p.queue = p.queue[1:]
		dropped++
	}
	p.queue = append(p.queue, message{id: id, topic: topic, payload: b, retain: retain})
	n := len(p.queue)
	warn := dropped > 0 && !p.dropping
	p.dropping = p.dropping || dropped > 0
	p.mu.Unlock()
	if m := p.o.Metrics; m != nil {
		m.MQTTQueue.Set(float64(n))
		if dropped > 0 {
			m.MQTTEvents.WithLabelValues("dropped").Add(float64(dropped))
		}
	}
	if warn {
		p.log.Warn("event queue full: the oldest are dropped until the broker is back", "queue", p.c.Queue)
	}
	p.poke()
}

// head is the oldest queued message.
func (p *Publisher) head() (message, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.queue) == 0 {
		return message{}, false
	}
	return p.queue[0], true
}

// sent removes the message with id from the head, unless the bound
// dropped it meanwhile.
func (p *Publisher) sent(id uint64) {
	p.mu.Lock()
	if len(p.queue) > 0 && p.queue[0].id == id {
		p.queue = p.queue[1:]
	}
	n := len(p.queue)
	p.dropping = false
	p.mu.Unlock()
	if m := p.o.Metrics; m != nil {
		m.MQTTQueue.Set(float64(n))
		m.MQTTEvents.WithLabelValues("published").Inc()
	}
}

func (p *Publisher) setConnected(up bool) {
	p.connect.Store(up)
	if m := p.o.Metrics; m != nil {
		v := 0.0
		if up {
			v = 1
		}
		m.MQTTConnected.Set(v)
	}
}

// run connects, sends and reconnects with a doubling backoff until ctx
// is done.
func (p *Publisher) run(ctx context.Context) {
	wait := p.c.ReconnectMin
	for {
		err := p.session(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			p.log.Warn("broker unavailable, reconnecting", "broker", p.c.Broker, "in", wait, "queued", p.Queued(), "err", err)
		}
		if err == nil {
			wait = p.c.ReconnectMin // the connection had been up: start over
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		if err != nil {
			wait = min(wait*2, p.c.ReconnectMax)
		}
	}
}

// session is one connection: announce, then send the queue in order
// until the connection fails or ctx is done. A nil error means the
// connection had been established.
func (p *Publisher) session(ctx context.Context) error {
	lost := make(chan error, 1)
	opts := *p.opts
	opts.SetConnectionLostHandler(func(_ mqtt.Client, err error) {
		select {
		case lost <- err:
		default:
		}
	})
	c := mqtt.NewClient(&opts)
	tok := c.Connect()
	select {
	case <-tok.Done():
		if err := tok.Error(); err != nil {
			return err
		}
	case <-ctx.Done(): // a stop does not wait for a broker that does not answer
		go func() { tok.Wait(); c.Disconnect(0) }()
		return nil
	}
	p.setConnected(true)
	defer p.setConnected(false)
	p.log.Info("broker connected", "broker", p.c.Broker, "queued", p.Queued())
	p.mu.Lock()
	p.discover = true
	p.mu.Unlock()
	if err := wait(c.Publish(p.Availability(), 1, true, "online"), 10*time.Second); err != nil {
		c.Disconnect(0)
		return nil
	}
	if dp := p.c.DiscoveryPrefix; dp != "-" {
		// Home Assistant says online when it starts: announce again then.
		c.Subscribe(dp+"/status", 0, func(_ mqtt.Client, m mqtt.Message) {
			if string(m.Payload()) == "online" {
				p.mu.Lock()
				p.discover = true
				p.mu.Unlock()
				p.poke()
			}
		})
	}
	for {
		if ctx.Err() != nil {
			p.flush(c)
			return nil
		}
		if err := p.announce(c); err != nil {
			c.Disconnect(0)
			return nil
		}
		if m, ok := p.head(); ok {
			if err := waitOrLost(c.Publish(m.topic, byte(p.c.QoS), m.retain, m.payload), lost); err != nil {
				p.log.Warn("event not acknowledged; kept for the next connection", "id", m.id, "err", err)
				c.Disconnect(0)
				return nil
			}
			p.sent(m.id)
			continue
		}
		select {
		case <-p.wake:
		case err := <-lost:
			p.log.Warn("broker connection lost", "err", err)
			return nil
		case <-ctx.Done():
			p.flush(c)
			return nil
		}
	}
}

// flush sends what is queued for up to Flush, then says offline, since a
// clean disconnect does not trigger the will.
func (p *Publisher) flush(c mqtt.Client) {
	deadline := time.Now().Add(Flush)
	for time.Now().Before(deadline) {
		m, ok := p.head()
		if !ok {
			break
		}
		if err := wait(c.Publish(m.topic, byte(p.c.QoS), m.retain, m.payload), time.Until(deadline)); err != nil {
			break
		}
		p.sent(m.id)
	}
	if n := p.Queued(); n > 0 {
		p.log.Warn("stopping with events unsent", "queued", n)
	}
	wait(c.Publish(p.Availability(), 1, true, "offline"), time.Second)
	c.Disconnect(250)
}

// waitOrLost waits for the broker's answer, giving up at once when the
// connection is lost rather than at the timeout.
func waitOrLost(t mqtt.Token, lost chan error) error {
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case <-t.Done():
		return t.Error()
	case err := <-lost:
		select {
		case lost <- err: // for the session loop too
		default:
		}
		return err
	case <-timer.C:
		return errors.New("no answer from the broker in 10s")
	}
}

func wait(t mqtt.Token, d time.Duration) error {
	if !t.WaitTimeout(d) {
		return fmt.Errorf("no answer from the broker in %v", d)
	}
	return t.Error()
}
