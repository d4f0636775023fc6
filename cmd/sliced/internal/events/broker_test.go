package events

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/cmd/sliced/testbin/broker"
)

// states collects the ids of the state events, live ones only (a
// retained copy is a replay), until every id from first to last arrived
// or d passed. A subscriber's persistent session may first replay events
// from before, which count in ids but not towards the wait.
func states(s *broker.Subscriber, d time.Duration, topic string, ids map[uint64]int, first, last uint64) {
	got := uint64(0)
	s.Until(d, func(l broker.Line) bool {
		if l.Topic == topic && !l.Retained {
			var e State
			if json.Unmarshal([]byte(l.Payload), &e) == nil {
				if ids[e.ID] == 0 && e.ID >= first && e.ID <= last {
					got++
				}
				ids[e.ID]++
			}
		}
		return got == last-first+1
	})
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for " + what)
		}
	}
}

// The target: no event lost across a broker restart while the events
// fit in the queue. The events are made while the broker is down, sent
// after it is back, and counted by mosquitto_sub.
func TestBrokerRestart(t *testing.T) {
	bin, subBin, _ := broker.Commands(t)
	b := broker.Start(t, bin, "")
	m, err := metrics.New(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	c := testConfig(fmt.Sprintf("tcp://127.0.0.1:%d", b.Port))
	// The default bound, filled while the broker is down.
	p, err := New(c, Options{Sources: []string{"cam"}, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	p.Start()
	defer p.Close()
	waitFor(t, "the connection", p.Connected)

	sub := broker.Subscribe(t, subBin, b.Port, "restart-test", "sliced/n1/#")
	if !sub.Until(5*time.Second, func(l broker.Line) bool { return l.Topic == "sliced/n1/availability" && l.Payload == "online" }) {
		t.Fatal("no retained online on the availability topic")
	}
	// Every frame a new label: every frame a state change.
	seq := uint64(0)
	produce := func(n int) {
		for range n {
			seq++
			p.Watch(result("cam", fmt.Sprint(seq%10), true, seq))
		}
	}
	const before = 100
	produce(before)
	ids := map[uint64]int{}
	states(sub, 10*time.Second, "sliced/n1/cam/state", ids, 1, before)
	if len(ids) != before {
		t.Fatalf("broker up: %d of %d state events arrived", len(ids), before)
	}
	sub.Stop()

	b.Stop()
	waitFor(t, "the disconnect", func() bool { return !p.Connected() })
	away := c.Queue // as many as the queue holds
	produce(away)
	if q := p.Queued(); q != away {
		t.Fatalf("queued %d, want %d", q, away)
	}
	t0 := time.Now()
	b.Start()
	waitFor(t, "the queue to drain", func() bool { return p.Queued() == 0 })
	drain := time.Since(t0)

	sub = broker.Subscribe(t, subBin, b.Port, "restart-test", "sliced/n1/#")
	ids = map[uint64]int{}
	states(sub, 10*time.Second, "sliced/n1/cam/state", ids, before+1, uint64(before+away))
	lost, twice := 0, 0
	for id := uint64(before + 1); id <= uint64(before+away); id++ {
		switch n := ids[id]; {
		case n == 0:
			lost++
		case n > 1:
			twice++
		}
	}
	t.Logf("broker restart: %d events made while it was down (queue %d), %d received, %d lost, %d twice; reconnect and drain %v",
		away, c.Queue, len(ids), lost, twice, drain.Round(time.Millisecond))
	if lost > 0 {
		t.Errorf("%d events lost across the broker restart", lost)
	}
	if got := testutil.ToFloat64(m.MQTTEvents.WithLabelValues("published")); got != before+float64(away) {
		t.Errorf("sliced_mqtt_events_total{result=published} = %v, want %d", got, before+away)
	}
	if got := testutil.ToFloat64(m.MQTTEvents.WithLabelValues("dropped")); got != 0 {
		t.Errorf("dropped %v within the bound", got)
	}
}

// Beyond the bound the oldest go and the newest arrive.
func TestBrokerAwayOverflow(t *testing.T) {
	bin, subBin, _ := broker.Commands(t)
	b := broker.Start(t, bin, "")
	m, _ := metrics.New(prometheus.NewRegistry())
	c := testConfig(fmt.Sprintf("tcp://127.0.0.1:%d", b.Port))
	c.Queue = 50
	p, _ := New(c, Options{Sources: []string{"cam"}, Metrics: m})
	p.Start()
	defer p.Close()
	waitFor(t, "the connection", p.Connected)
	sub := broker.Subscribe(t, subBin, b.Port, "overflow-test", "sliced/n1/cam/state")
	time.Sleep(200 * time.Millisecond) // the subscription is in place
	sub.Stop()
	b.Stop()
	waitFor(t, "the disconnect", func() bool { return !p.Connected() })
	for i := range 80 {
		p.Watch(result("cam", fmt.Sprint(i%10), true, uint64(i)))
	}
	b.Start()
	waitFor(t, "the queue to drain", func() bool { return p.Queued() == 0 })
	sub = broker.Subscribe(t, subBin, b.Port, "overflow-test", "sliced/n1/cam/state")
	ids := map[uint64]int{}
	states(sub, 10*time.Second, "sliced/n1/cam/state", ids, 31, 80)
	for id := uint64(31); id <= 80; id++ {
		if ids[id] == 0 {
			t.Errorf("event %d (within the newest 50) lost", id)
		}
	}
	if got := testutil.ToFloat64(m.MQTTEvents.WithLabelValues("dropped")); got != 30 {
		t.Errorf("dropped %v, want 30", got)
	}
}

// TLS with a certificate of the test's own CA, a user and password from
// a systemd credential, the last will, and Home Assistant discovery.
func TestBrokerTLSPasswordWill(t *testing.T) {
	bin, subBin, passwdBin := broker.Commands(t)
	dir := t.TempDir()
	ca, cert, key := certs(t, dir)
	pw := filepath.Join(dir, "passwd")
	if out, err := exec.Command(passwdBin, "-b", "-c", pw, "sliced", "s3cret").CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_passwd: %v %s", err, out)
	}
	b := broker.Start(t, bin, fmt.Sprintf("allow_anonymous false\npassword_file %s\ncafile %s\ncertfile %s\nkeyfile %s\n", pw, ca, cert, key))
	creds := t.TempDir()
	os.WriteFile(filepath.Join(creds, "mqtt"), []byte("s3cret\n"), 0o600)

	c := testConfig(fmt.Sprintf("ssl://127.0.0.1:%d", b.Port))
	c.CAFile, c.Username, c.PasswordCredential = ca, "sliced", "mqtt"
	tlsSub := func(topic string) *broker.Subscriber {
		return broker.Subscribe(t, subBin, b.Port, "tls-"+topic[:4], topic, "--cafile", ca, "-u", "sliced", "-P", "s3cret")
	}
	wrong := c
	wrong.PasswordCredential, wrong.Password = "", "wrong"
	pw2, _ := New(wrong, Options{Credentials: creds})
	pw2.Start()
	time.Sleep(300 * time.Millisecond)
	if pw2.Connected() {
		t.Error("connected with a wrong password")
	}
	pw2.Close()

	p, err := New(c, Options{Sources: []string{"front.door"}, Version: "test", Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	p.Start()
	waitFor(t, "the TLS connection", p.Connected)
	disc := tlsSub("homeassistant/#")
	var d map[string]any
	if !disc.Until(5*time.Second, func(l broker.Line) bool {
		return l.Topic == "homeassistant/sensor/n1_front_door/config" && json.Unmarshal([]byte(l.Payload), &d) == nil
	}) {
		t.Fatal("no discovery config")
	}
	if d["state_topic"] != "sliced/n1/front.door/state" || d["value_template"] != "{{ value_json.state }}" {
		t.Errorf("discovery %v", d)
	}
	avail := tlsSub("sliced/n1/availability")
	if !avail.Until(5*time.Second, func(l broker.Line) bool { return l.Payload == "online" }) {
		t.Fatal("not online")
	}
	// A clean stop says offline itself (a clean disconnect sends no will).
	p.Close()
	if !avail.Until(5*time.Second, func(l broker.Line) bool { return l.Payload == "offline" }) {
		t.Fatal("no offline after Close")
	}
}

// certs writes a CA and a server certificate for 127.0.0.1 signed by it.
func certs(t *testing.T, dir string) (ca, cert, key string) {
	t.Helper()
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sliced test CA"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	srvKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srvTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(srvKey)
	return write("ca.pem", "CERTIFICATE", caDER), write("server.pem", "CERTIFICATE", srvDER), write("server.key", "EC PRIVATE KEY", keyDER)
}
