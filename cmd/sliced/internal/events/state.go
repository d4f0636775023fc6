package events

import (
	"encoding/json"
	"regexp"
	"slices"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/engine"
)

// Labels besides the engine's classes.
const (
	Unknown = engine.Unknown     // like none of the classes
	None    = pipeline.StateNone // nothing in view
)

// State is the payload of a state change.
type State struct {
	ID       uint64    `json:"id"` // one more per event of this run: a gap is a lost event
	Event    string    `json:"event"`
	Node     string    `json:"node"`
	Source   string    `json:"source"`
	Region   string    `json:"region,omitempty"` // the source's region; absent for its one unnamed region
	State    string    `json:"state"`
	Previous string    `json:"previous,omitempty"`
	Known    bool      `json:"known"`
	Nearest  string    `json:"nearest,omitempty"` // for unknown: the class it came nearest to
	Score    float32   `json:"score"`
	Backend  string    `json:"backend,omitempty"`
	Frame    uint64    `json:"frame"`
	Time     time.Time `json:"time"`
}

// Enrolment is the payload of an engine change.
type Enrolment struct {
	ID      uint64    `json:"id"`
	Event   string    `json:"event"`
	Node    string    `json:"node"`
	Version int       `json:"version"`
	Added   []string  `json:"added"`
	Removed []string  `json:"removed"`
	Classes []string  `json:"classes"`
	Time    time.Time `json:"time"`
}

// track is the debounce of one source: the label seen run times in a row
// and the state last published.
type track struct {
	label string
	run   int
	state string
}

// Topic is the topic level of a source's region: SOURCE, or SOURCE/REGION
// for a named one. It also names the region's Home Assistant sensor.
func Topic(source, region string) string {
	if region == "" {
		return source
	}
	return source + "/" + region
}

// Watch sees one pipeline result: a pipeline sink. When the region's
// state (pipeline.Result.State, after the pipeline's smoothing) has held for the debounce count and differs from its state, a
// state event is queued, and an unknown event when it became unknown.
func (p *Publisher) Watch(r pipeline.Result) {
	if p == nil {
		return
	}
	l, ok := r.State()
	if !ok {
		return
	}
	at := Topic(r.Source, r.Region)
	p.mu.Lock()
	t := p.tracks[at]
	if t == nil {
		t = &track{}
		p.tracks[at] = t
	}
	if l == t.label {
		t.run++
	} else {
		t.label, t.run = l, 1
	}
	change := t.run >= p.c.Debounce && t.state != l
	prev := t.state
	if change {
		t.state = l
	}
	p.mu.Unlock()
	if !change {
		return
	}
	st := State{Event: "state", Node: p.node, Source: r.Source, Region: r.Region, State: l, Previous: prev, Known: l != Unknown && l != None,
		Score: r.Answer.Score, Backend: r.Answer.Backend.Name, Frame: r.Frame.Seq, Time: r.Frame.Time.UTC()}
	if l == Unknown {
		st.Nearest = r.Answer.Nearest
	}
	if l == None {
		st.Score = 0
	}
	p.enqueue(p.base+"/"+at+"/state", true, func(id uint64) any { s := st; s.ID = id; return s })
	if l == Unknown {
		p.enqueue(p.base+"/"+at+"/unknown", false, func(id uint64) any { s := st; s.ID, s.Event = id, "unknown"; return s })
	}
}

// Engine sees the engine's classes after every change: the first call
// (start-up) is the baseline, every later one an enrolment event.
func (p *Publisher) Engine(classes []string, version int) {
	if p == nil {
		return
	}
	classes = slices.Clone(classes)
	p.mu.Lock()
	old, oldVersion, had := p.classes, p.version, p.haveCls
	p.classes, p.version, p.haveCls = classes, version, true
	p.mu.Unlock()
	// A reload of the same engine is no enrolment.
	if !had || (version == oldVersion && slices.Equal(old, classes)) {
		return
	}
	e := Enrolment{Event: "enrolment", Node: p.node, Version: version, Added: []string{}, Removed: []string{}, Classes: classes, Time: time.Now().UTC()}
	for _, c := range classes {
		if !slices.Contains(old, c) {
			e.Added = append(e.Added, c)
		}
	}
	for _, c := range old {
		if !slices.Contains(classes, c) {
			e.Removed = append(e.Removed, c)
		}
	}
	p.enqueue(p.base+"/enrolment", false, func(id uint64) any { v := e; v.ID = id; return v })
}

// haID is what Home Assistant's object ids may not hold.
var haID = regexp.MustCompile(`[^a-zA-Z0-9_-]`)

// discoveryTopic is Home Assistant's config topic of source's sensor.
func (p *Publisher) discoveryTopic(source string) string {
	return p.c.DiscoveryPrefix + "/sensor/" + haID.ReplaceAllString(p.node+"_"+source, "_") + "/config"
}

// Discovery is the Home Assistant config of source's sensor: its state is
// the label, its attributes the whole state event.
func (p *Publisher) Discovery(source string) []byte {
	id := haID.ReplaceAllString("sliced_"+p.node+"_"+source, "_")
	b, _ := json.Marshal(map[string]any{
		"name":                  source,
		"unique_id":             id,
		"state_topic":           p.base + "/" + source + "/state",
		"value_template":        "{{ value_json.state }}",
		"json_attributes_topic": p.base + "/" + source + "/state",
		"availability_topic":    p.Availability(),
		"payload_available":     "online",
		"payload_not_available": "offline",
		"icon":                  "mdi:cctv",
		"device": map[string]any{
			"identifiers":  []string{"sliced_" + p.node},
			"name":         "sliced " + p.node,
			"manufacturer": "sliced",
			"model":        "sliced edge inference",
			"sw_version":   p.o.Version,
		},
	})
	return b
}

// announce publishes discovery for new sources and clears it for those
// gone, when asked to.
func (p *Publisher) announce(c mqtt.Client) error {
	p.mu.Lock()
	if !p.discover || p.c.DiscoveryPrefix == "-" {
		p.mu.Unlock()
		return nil
	}
	p.discover = false
	sources, announced := slices.Clone(p.sources), p.announced
	p.announced = map[string]bool{}
	p.mu.Unlock()
	now := map[string]bool{}
	for _, s := range sources {
		if err := wait(c.Publish(p.discoveryTopic(s), 1, true, p.Discovery(s)), 10*time.Second); err != nil {
			p.mu.Lock()
			p.discover, p.announced = true, announced
			p.mu.Unlock()
			return err
		}
		now[s] = true
	}
	for s := range announced {
		if !now[s] {
			// An empty retained config removes the entity.
			if err := wait(c.Publish(p.discoveryTopic(s), 1, true, []byte{}), 10*time.Second); err != nil {
				return err
			}
		}
	}
	p.mu.Lock()
	p.announced = now
	p.mu.Unlock()
	return nil
}
