package events

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
)

func testConfig(broker string) config.MQTT {
	c := config.Default().MQTT
	c.Broker, c.Node = broker, "n1"
	c.ReconnectMin, c.ReconnectMax = 50*time.Millisecond, 200*time.Millisecond
	return c
}

func result(src, class string, known bool, seq uint64) pipeline.Result {
	r := pipeline.Result{Source: src, Frame: source.Frame{Seq: seq, Time: time.Now()}}
	r.Answer.Result = backend.Result{Class: class, Known: known, Score: 0.9}
	r.Answer.Nearest = class
	if class == "" {
		r.Err = prep.ErrNoInk
	}
	return r
}

// queued decodes the queue's payloads.
func queued(t *testing.T, p *Publisher) (topics []string, events []State) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range p.queue {
		var s State
		if err := json.Unmarshal(m.payload, &s); err != nil {
			t.Fatal(err)
		}
		topics, events = append(topics, m.topic), append(events, s)
	}
	return topics, events
}

func TestDebounce(t *testing.T) {
	c := testConfig("tcp://127.0.0.1:1")
	c.Debounce = 3
	p, err := New(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// 7 flickers once; 3 holds three frames; then nothing in view, then unknown.
	seq := []struct {
		class string
		known bool
	}{{"3", true}, {"3", true}, {"3", true}, {"7", true}, {"3", true}, {"3", true},
		{"", false}, {"", false}, {"", false}, {"9", false}, {"9", false}, {"9", false}, {"9", false}}
	for i, s := range seq {
		p.Watch(result("cam", s.class, s.known, uint64(i)))
	}
	topics, evs := queued(t, p)
	want := []string{"state 3 ", "state none 3", "state unknown none", "unknown unknown none"}
	if len(evs) != len(want) {
		t.Fatalf("events %+v, want %v", evs, want)
	}
	for i, e := range evs {
		if got := e.Event + " " + e.State + " " + e.Previous; got != want[i] {
			t.Errorf("event %d: %q, want %q", i, got, want[i])
		}
		if e.ID != uint64(i+1) {
			t.Errorf("event %d: id %d", i, e.ID)
		}
	}
	if topics[0] != "sliced/n1/cam/state" || topics[3] != "sliced/n1/cam/unknown" {
		t.Errorf("topics %v", topics)
	}
	if evs[2].Nearest != "9" || evs[2].Known {
		t.Errorf("unknown state: %+v", evs[2])
	}
}

func TestQueueBound(t *testing.T) {
	c := testConfig("tcp://127.0.0.1:1")
	c.Queue = 5
	p, _ := New(c, Options{})
	for i := range 8 {
		p.Watch(result("cam", string(rune('0'+i)), true, uint64(i)))
	}
	_, evs := queued(t, p)
	if len(evs) != 5 || evs[0].ID != 4 || evs[4].ID != 8 {
		t.Fatalf("queue keeps %d events from id %d; want the newest 5 (4..8)", len(evs), evs[0].ID)
	}
}

func TestEnrolment(t *testing.T) {
	p, _ := New(testConfig("tcp://127.0.0.1:1"), Options{})
	p.Engine([]string{"0", "1"}, 1)
	if p.Queued() != 0 {
		t.Fatal("start-up engine made an event")
	}
	p.Engine([]string{"0", "1", "cat"}, 2)
	p.mu.Lock()
	m := p.queue[0]
	p.mu.Unlock()
	var e Enrolment
	json.Unmarshal(m.payload, &e)
	if m.topic != "sliced/n1/enrolment" || e.Version != 2 || len(e.Added) != 1 || e.Added[0] != "cat" || len(e.Removed) != 0 {
		t.Fatalf("%s %+v", m.topic, e)
	}
}

func TestPassword(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "mqtt"), []byte("s3cret\n"), 0o600)
	c := testConfig("tcp://127.0.0.1:1")
	c.PasswordCredential = "mqtt"
	if got, err := password(c, dir); err != nil || got != "s3cret" {
		t.Errorf("credential: %q, %v", got, err)
	}
	if _, err := password(c, ""); err == nil || !strings.Contains(err.Error(), "CREDENTIALS_DIRECTORY") {
		t.Errorf("no credentials directory: %v", err)
	}
	c.PasswordCredential, c.PasswordFile = "", filepath.Join(dir, "mqtt")
	if got, _ := password(c, ""); got != "s3cret" {
		t.Errorf("file: %q", got)
	}
}

func TestDiscovery(t *testing.T) {
	p, _ := New(testConfig("tcp://127.0.0.1:1"), Options{Version: "v1"})
	var d map[string]any
	if err := json.Unmarshal(p.Discovery("front.door"), &d); err != nil {
		t.Fatal(err)
	}
	if d["state_topic"] != "sliced/n1/front.door/state" || d["availability_topic"] != "sliced/n1/availability" || d["unique_id"] != "sliced_n1_front_door" {
		t.Errorf("%v", d)
	}
	if got := p.discoveryTopic("front.door"); got != "homeassistant/sensor/n1_front_door/config" {
		t.Errorf("topic %s", got)
	}
}

// With no broker the publisher keeps retrying, and a stop does not wait
// for it.
func TestCloseWithoutBroker(t *testing.T) {
	p, _ := New(testConfig("tcp://127.0.0.1:1"), Options{})
	p.Start()
	p.Watch(result("cam", "1", true, 1))
	time.Sleep(150 * time.Millisecond)
	t0 := time.Now()
	p.Close()
	if d := time.Since(t0); d > time.Second {
		t.Errorf("Close took %v", d)
	}
	if p.Connected() || p.Queued() != 1 {
		t.Errorf("connected %v, queued %d", p.Connected(), p.Queued())
	}
	var nilp *Publisher
	nilp.Watch(result("cam", "1", true, 1))
	nilp.Engine(nil, 1)
	nilp.Close()
}

// Each named region has its own state, topic and sensor.
func TestRegionStates(t *testing.T) {
	p, err := New(testConfig("tcp://127.0.0.1:1"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, rc := range [][2]string{{"door", "open"}, {"led", "red"}, {"door", "open"}, {"door", "shut"}, {"led", "red"}} {
		r := result("cam", rc[1], true, uint64(i))
		r.Region = rc[0]
		p.Watch(r)
	}
	topics, evs := queued(t, p)
	want := []string{"sliced/n1/cam/door/state door open ", "sliced/n1/cam/led/state led red ", "sliced/n1/cam/door/state door shut open"}
	if len(evs) != len(want) {
		t.Fatalf("events %+v, want %v", evs, want)
	}
	for i, e := range evs {
		if got := topics[i] + " " + e.Region + " " + e.State + " " + e.Previous; got != want[i] {
			t.Errorf("event %d: %q, want %q", i, got, want[i])
		}
	}
	var d map[string]any
	json.Unmarshal(p.Discovery(Topic("cam", "door")), &d)
	if d["state_topic"] != "sliced/n1/cam/door/state" || d["unique_id"] != "sliced_n1_cam_door" {
		t.Errorf("discovery of a region: %v", d)
	}
}
