package liveview

import (
	"encoding/json"
	"fmt"
	"image"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/result"
)

// Row is one line of the recent results table: the frame, and its result
// as POST /v1/classify gives one (package result). A frame without a
// label has an empty label, index -1 and the error.
type Row struct {
	Time   time.Time `json:"time"`
	Source string    `json:"source"`
	Region string    `json:"region,omitempty"` // the source's region; absent for its one unnamed region
	Seq    uint64    `json:"seq"`
	File   string    `json:"file,omitempty"`
	Box    *Box      `json:"box,omitempty"` // the part of the frame the answer is for
	// Held says smoothing kept the region's state: the answer is the one
	// that set it, not this frame's own.
	Held bool `json:"held,omitempty"`
	result.Result
	Error string `json:"error,omitempty"`
}

// Box is a rectangle of the frame in pixels: left, top, width, height.
type Box struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// Hub keeps the latest result of every source's regions and the recent
// rows. Safe for concurrent use.
type Hub struct {
	MaxFPS float64 // stream rate cap per source; 0 means 10
	Keep   int     // recent rows kept; 0 means 50

	mu     sync.Mutex
	latest map[string]*view // by source
	rows   []Row            // ring, oldest first once full
	next   int
	cache  map[string]rendered
}

// view is a source's latest result of each region.
type view struct {
	regions map[string]pipeline.Result
	order   []string // region names in the order they first came
	gen     uint64   // one more per result: the stream's frame number
}

type rendered struct {
	gen  uint64
	jpeg []byte
}

// New makes an empty hub.
func New() *Hub {
	return &Hub{latest: map[string]*view{}, cache: map[string]rendered{}}
}

// toRow is r as a line of the recent results.
func toRow(r pipeline.Result) Row {
	row := Row{Time: r.Frame.Time, Source: r.Source, Region: r.Region, Seq: r.Frame.Seq, File: r.Frame.Name, Held: r.Held}
	if !r.Box.Empty() {
		row.Box = &Box{X: r.Box.Min.X, Y: r.Box.Min.Y, W: r.Box.Dx(), H: r.Box.Dy()}
	}
	if r.Err != nil {
		row.Error = r.Err.Error()
		row.Result = result.Result{Index: -1, Backend: r.Answer.Backend.Name, Device: r.Answer.Backend.Device}
	} else {
		row.Result = result.FromAnswer(r.Answer)
		row.Timings = &result.Timings{PreprocessUS: result.US(r.Preprocess), InferenceUS: result.US(r.Answer.Timing.Inference),
			ConvUS: result.US(r.Answer.Timing.Conv), KNNUS: result.US(r.Answer.Timing.KNN)}
	}
	// Capture to result: a pipeline's frame comes decoded.
	row.LatencyUS = result.US(r.Total)
	return row
}

// Publish records a result; it is the pipelines' sink and does no drawing.
func (h *Hub) Publish(r pipeline.Result) {
	row := toRow(r)
	keep := h.Keep
	if keep <= 0 {
		keep = 50
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	v := h.latest[r.Source]
	if v == nil {
		v = &view{regions: map[string]pipeline.Result{}}
		h.latest[r.Source] = v
	}
	if _, ok := v.regions[r.Region]; !ok {
		v.order = append(v.order, r.Region)
	}
	v.regions[r.Region] = r
	v.gen++
	if len(h.rows) < keep {
		h.rows = append(h.rows, row)
	} else {
		h.rows[h.next] = row
		h.next = (h.next + 1) % keep
	}
}

// Recent returns the kept rows, newest first.
func (h *Hub) Recent() []Row {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := append(slices.Clone(h.rows[h.next:]), h.rows[:h.next]...)
	slices.Reverse(out)
	return out
}

// Sources lists the sources that have published, sorted.
func (h *Hub) Sources() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sourcesLocked()
}

func (h *Hub) sourcesLocked() []string {
	var s []string
	for k := range h.latest {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}

// Latest is the latest row of every source's regions: the state each
// region reports and its box, as the stream draws them. Sorted by source,
// a source's regions in the order they first came.
func (h *Hub) Latest() []Row {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := []Row{}
	for _, s := range h.sourcesLocked() {
		v := h.latest[s]
		for _, name := range v.order {
			out = append(out, toRow(v.regions[name]))
		}
	}
	return out
}

// LatestFrame is the newest frame of source that a result was published
// for, whichever region it was: what the source's regions see now, for
// enrolment from the live view. False before the source's first result.
func (h *Hub) LatestFrame(source string) (image.Image, bool) {
	rs, _ := h.results(source)
	var f *pipeline.Result
	for i := range rs {
		if rs[i].Frame.Image != nil && (f == nil || rs[i].Frame.Seq > f.Frame.Seq) {
			f = &rs[i]
		}
	}
	if f == nil {
		return nil, false
	}
	return f.Frame.Image, true
}

// results are source's latest results, one per region, and their
// generation.
func (h *Hub) results(source string) ([]pipeline.Result, uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v := h.latest[source]
	if v == nil {
		return nil, 0
	}
	rs := make([]pipeline.Result, 0, len(v.order))
	for _, name := range v.order {
		rs = append(rs, v.regions[name])
	}
	return rs, v.gen
}

// frame returns the JPEG of source's latest results, drawing it if new.
func (h *Hub) frame(source string) ([]byte, uint64, bool) {
	rs, gen := h.results(source)
	h.mu.Lock()
	c := h.cache[source]
	h.mu.Unlock()
	if len(rs) == 0 {
		return nil, 0, false
	}
	if c.jpeg != nil && c.gen == gen {
		return c.jpeg, gen, true
	}
	b, err := Annotate(rs...)
	if err != nil {
		return nil, 0, false
	}
	h.mu.Lock()
	h.cache[source] = rendered{gen, b}
	h.mu.Unlock()
	return b, gen, true
}

// ServeHTTP serves "/", "/stream.mjpg", "/v1/recent" and "/v1/latest".
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/":
		h.page(w, r)
	case "/stream.mjpg":
		h.stream(w, r)
	case "/v1/recent":
		h.recent(w, r)
	case "/v1/latest":
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(h.Latest())
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(map[string]string{"error": "no page " + r.URL.Path})
	}
}

func (h *Hub) interval() time.Duration {
	fps := h.MaxFPS
	if fps <= 0 {
		fps = 10
	}
	return time.Duration(float64(time.Second) / fps)
}

// stream writes the source's frames as multipart/x-mixed-replace until the
// client goes away.
func (h *Hub) stream(w http.ResponseWriter, r *http.Request) {
	src := r.URL.Query().Get("source")
	if src == "" {
		if s := h.Sources(); len(s) > 0 {
			src = s[0]
		}
	}
	const boundary = "slicedframe"
	w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary="+boundary)
	w.Header().Set("Cache-Control", "no-store")
	rc := http.NewResponseController(w)
	tick := time.NewTicker(h.interval())
	defer tick.Stop()
	var last uint64
	for {
		if b, seq, ok := h.frame(src); ok && seq != last {
			last = seq
			// The server's write timeout would cut a long stream: each
			// part gets its own deadline instead.
			rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if _, err := fmt.Fprintf(w, "--%s\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n", boundary, len(b)); err != nil {
				return
			}
			if _, err := w.Write(append(b, '\r', '\n')); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}
