package liveview

import (
	"encoding/json"
	"fmt"
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
	Seq    uint64    `json:"seq"`
	File   string    `json:"file,omitempty"`
	result.Result
	Error string `json:"error,omitempty"`
}

// Hub keeps the latest result of every source and the recent rows. Safe
// for concurrent use.
type Hub struct {
	MaxFPS float64 // stream rate cap per source; 0 means 10
	Keep   int     // recent rows kept; 0 means 50

	mu     sync.Mutex
	latest map[string]pipeline.Result
	rows   []Row // ring, oldest first once full
	next   int
	cache  map[string]rendered
}

type rendered struct {
	seq  uint64
	jpeg []byte
}

// New makes an empty hub.
func New() *Hub {
	return &Hub{latest: map[string]pipeline.Result{}, cache: map[string]rendered{}}
}

// Publish records a result; it is the pipelines' sink and does no drawing.
func (h *Hub) Publish(r pipeline.Result) {
	row := Row{Time: r.Frame.Time, Source: r.Source, Seq: r.Frame.Seq, File: r.Frame.Name}
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
	keep := h.Keep
	if keep <= 0 {
		keep = 50
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.latest[r.Source] = r
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
	var s []string
	for k := range h.latest {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}

// frame returns the JPEG of source's latest result, drawing it if new.
func (h *Hub) frame(source string) ([]byte, uint64, bool) {
	h.mu.Lock()
	r, ok := h.latest[source]
	c := h.cache[source]
	h.mu.Unlock()
	if !ok || r.Frame.Image == nil {
		return nil, 0, false
	}
	if c.jpeg != nil && c.seq == r.Frame.Seq {
		return c.jpeg, c.seq, true
	}
	b, err := Annotate(r)
	if err != nil {
		return nil, 0, false
	}
	h.mu.Lock()
	h.cache[source] = rendered{r.Frame.Seq, b}
	h.mu.Unlock()
	return b, r.Frame.Seq, true
}

// ServeHTTP serves "/", "/stream.mjpg" and "/v1/recent".
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/":
		h.page(w, r)
	case "/stream.mjpg":
		h.stream(w, r)
	case "/v1/recent":
		h.recent(w, r)
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
