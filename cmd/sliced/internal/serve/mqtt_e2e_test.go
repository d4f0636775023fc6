package serve

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/testbin/broker"
)

// TestDaemonMQTT runs the daemon on a folder source against a mosquitto
// that wants a password, given as a systemd credential: Home Assistant
// discovery, availability, the state events of a changing source, a
// broker restart with no event lost, and the last will when the daemon
// dies.
func TestDaemonMQTT(t *testing.T) {
	mosq, subBin, passwd := broker.Commands(t)
	dir := t.TempDir()
	pw := filepath.Join(dir, "passwd")
	if out, err := exec.Command(passwd, "-b", "-c", pw, "sliced", "pw-e2e").CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_passwd: %v %s", err, out)
	}
	b := broker.Start(t, mosq, "allow_anonymous false\npassword_file "+pw+"\n")
	creds := t.TempDir()
	os.WriteFile(filepath.Join(creds, "mqtt"), []byte("pw-e2e\n"), 0o600)
	subscribe := func() *broker.Subscriber {
		return broker.Subscribe(t, subBin, b.Port, "e2e-sub", "sliced/e2e/#", "-t", "homeassistant/#", "-u", "sliced", "-P", "pw-e2e")
	}
	sub := subscribe()
	time.Sleep(100 * time.Millisecond) // the persistent session exists before the events

	bin := binary(t, "")
	f := writeFixture(t, 20, "  - {name: cam, kind: dir, path: FRAMES, loop: true, fps: 50}\n")
	cfg, _ := os.ReadFile(f.config)
	os.WriteFile(f.config, []byte(strings.ReplaceAll(string(cfg), "FRAMES", f.frames)), 0o644)
	p := start(t, bin, []string{"CREDENTIALS_DIRECTORY=" + creds}, "--config", f.config,
		"--mqtt-broker", fmt.Sprintf("tcp://127.0.0.1:%d", b.Port), "--mqtt-node", "e2e",
		"--mqtt-username", "sliced", "--mqtt-password-credential", "mqtt", "--mqtt-reconnect-min", "50ms")

	ids := map[uint64]int{}
	labels := map[string]bool{}
	var discovery map[string]any
	online := false
	read := func(l broker.Line) {
		switch {
		case l.Topic == "homeassistant/sensor/e2e_cam/config":
			json.Unmarshal([]byte(l.Payload), &discovery)
		case l.Topic == "sliced/e2e/availability":
			online = l.Payload == "online"
		case strings.HasPrefix(l.Topic, "sliced/e2e/") && !l.Retained:
			var e struct {
				ID     uint64
				Source string
				State  string
			}
			if err := json.Unmarshal([]byte(l.Payload), &e); err != nil || e.ID == 0 {
				t.Errorf("%s: %q is not an event", l.Topic, l.Payload)
				return
			}
			ids[e.ID]++
			if l.Topic == "sliced/e2e/cam/state" {
				labels[e.State] = true
			}
		}
	}
	sub.Until(15*time.Second, func(l broker.Line) bool { read(l); return online && discovery != nil && len(labels) >= 5 })
	if !online || discovery == nil || len(labels) < 5 {
		t.Fatalf("online %v, discovery %v, state labels %v", online, discovery, labels)
	}
	if discovery["state_topic"] != "sliced/e2e/cam/state" || discovery["availability_topic"] != "sliced/e2e/availability" {
		t.Errorf("discovery %v", discovery)
	}

	// The broker goes away for a while; the events wait in the daemon.
	sub.Stop()
	b.Stop()
	p.waitMetric("mqtt down", "sliced_mqtt_connected", nil, func(v float64) bool { return v == 0 })
	p.waitMetric("events queued", "sliced_mqtt_queue_length", nil, func(v float64) bool { return v >= 20 })
	b.Start()
	p.waitMetric("mqtt back", "sliced_mqtt_connected", nil, func(v float64) bool { return v == 1 })
	p.waitMetric("queue sent", "sliced_mqtt_queue_length", nil, func(v float64) bool { return v < 5 })
	sub = subscribe()
	published := value(p.metrics(), "sliced_mqtt_events_total", map[string]string{"result": "published"})
	sub.Until(15*time.Second, func(l broker.Line) bool { read(l); return float64(len(ids)) >= published })
	var lo, hi uint64 = 1 << 62, 0
	for id := range ids {
		lo, hi = min(lo, id), max(hi, id)
	}
	lost := 0
	for id := lo; id <= hi; id++ {
		if ids[id] == 0 {
			lost++
		}
	}
	t.Logf("daemon across a broker restart: events %d..%d received, %d missing, %d published by the daemon's count", lo, hi, lost, int(published))
	if lost > 0 || lo != 1 {
		t.Errorf("%d events lost (first id %d)", lost, lo)
	}
	if d := value(p.metrics(), "sliced_mqtt_events_total", map[string]string{"result": "dropped"}); d != 0 {
		t.Errorf("%v events dropped", d)
	}

	// Killed, the daemon cannot say offline: the broker's last will does.
	p.signal(syscall.SIGKILL)
	if !sub.Until(10*time.Second, func(l broker.Line) bool { return l.Topic == "sliced/e2e/availability" && l.Payload == "offline" }) {
		t.Error("no offline from the last will")
	}
}
