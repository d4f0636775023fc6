package api

import (
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
)

// duration is a count and a total time, Triton's StatisticDuration.
type duration struct {
	Count uint64 `json:"count"`
	NS    uint64 `json:"ns"`
}

func (d *duration) add(t time.Duration) {
	d.Count++
	d.NS += uint64(t.Nanoseconds())
}

type batchStats struct {
	BatchSize     int      `json:"batch_size"`
	ComputeInput  duration `json:"compute_input"`
	ComputeInfer  duration `json:"compute_infer"`
	ComputeOutput duration `json:"compute_output"`
}

// inferenceStats is Triton's InferStatistics. sliced has no queue and no
// cache: those stay zero, as Triton has them for a model without.
type inferenceStats struct {
	Success       duration `json:"success"`
	Fail          duration `json:"fail"`
	Queue         duration `json:"queue"`
	ComputeInput  duration `json:"compute_input"`
	ComputeInfer  duration `json:"compute_infer"`
	ComputeOutput duration `json:"compute_output"`
	CacheHit      duration `json:"cache_hit"`
	CacheMiss     duration `json:"cache_miss"`
}

// modelStats is Triton's ModelStatistics for one model.
type modelStats struct {
	Name           string         `json:"name"`
	Version        string         `json:"version"`
	LastInference  int64          `json:"last_inference"` // ms since the epoch, 0 before the first
	InferenceCount uint64         `json:"inference_count"`
	ExecutionCount uint64         `json:"execution_count"`
	InferenceStats inferenceStats `json:"inference_stats"`
	ResponseStats  struct{}       `json:"response_stats"`
	BatchStats     []batchStats   `json:"batch_stats"`
	MemoryUsage    []struct{}     `json:"memory_usage"`
}

// statsBook keeps the statistics of the /v2 inferences by model name since
// the start. Safe for concurrent use.
type statsBook struct {
	mu sync.Mutex
	m  map[string]*modelStats
}

// record counts one request: n images, the time to parse it (input), to
// classify (infer) and to write the answer (output).
func (b *statsBook) record(name string, ok bool, n int, total, input, infer, output time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[string]*modelStats{}
	}
	st := b.m[name]
	if st == nil {
		st = &modelStats{Name: name}
		b.m[name] = st
	}
	if !ok {
		st.InferenceStats.Fail.add(total)
		return
	}
	is := &st.InferenceStats
	is.Success.add(total)
	is.Queue.add(0)
	is.ComputeInput.add(input)
	is.ComputeInfer.add(infer)
	is.ComputeOutput.add(output)
	st.InferenceCount += uint64(n)
	st.ExecutionCount++
	st.LastInference = time.Now().UnixMilli()
	i := slices.IndexFunc(st.BatchStats, func(s batchStats) bool { return s.BatchSize == n })
	if i < 0 {
		st.BatchStats = append(st.BatchStats, batchStats{BatchSize: n})
		slices.SortFunc(st.BatchStats, func(a, b batchStats) int { return a.BatchSize - b.BatchSize })
		i = slices.IndexFunc(st.BatchStats, func(s batchStats) bool { return s.BatchSize == n })
	}
	bs := &st.BatchStats[i]
	bs.ComputeInput.add(input)
	bs.ComputeInfer.add(infer)
	bs.ComputeOutput.add(output)
}

// of is a copy of name's statistics at version.
func (b *statsBook) of(name, version string) modelStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := modelStats{Name: name}
	if p := b.m[name]; p != nil {
		st = *p
		st.BatchStats = slices.Clone(p.BatchStats)
	}
	st.Version = version
	if st.BatchStats == nil {
		st.BatchStats = []batchStats{}
	}
	st.MemoryUsage = []struct{}{}
	return st
}

// allStats answers GET /v2/models/stats: every model, Triton's JSON shape.
func (s *server) allStats(w http.ResponseWriter, r *http.Request) {
	var all []modelStats
	for _, name := range s.modelNames() {
		all = append(all, s.stats.of(name, s.modelVersion(name)))
	}
	reply(w, http.StatusOK, map[string]any{"model_stats": all})
}

// oneStats answers GET /v2/models/{name}/stats.
func (s *server) oneStats(w http.ResponseWriter, r *http.Request, name string, b backend.Backend) {
	reply(w, http.StatusOK, map[string]any{"model_stats": []modelStats{s.stats.of(name, s.modelVersion(name))}})
}
