package api

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/engine"
)

// repository holds the models loaded from the model folder (Deps.ModelDir):
// engine files NAME.slc, each the model NAME once loaded. Safe for
// concurrent use.
type repository struct {
	mu sync.Mutex
	m  map[string]backend.Backend
}

func (r *repository) loaded() map[string]backend.Backend {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.m)
}

// modelFile is the extension of the engine files in the model folder.
const modelFile = ".slc"

// modelName is what a model folder's file may be named: a name that is
// also a path element and a metric label, never a path of its own.
var modelName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// folderModels lists the names of the engine files in the model folder.
func (s *server) folderModels() ([]string, error) {
	dir := s.modelDir()
	if dir == "" {
		return nil, nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), modelFile)
		if ok && e.Type().IsRegular() && modelName.MatchString(name) {
			names = append(names, name)
		}
	}
	return names, nil
}

func (s *server) modelDir() string {
	if s.d.ModelDir == nil {
		return ""
	}
	return s.d.ModelDir()
}

type repoEntry struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	State   string `json:"state"`
	Reason  string `json:"reason,omitempty"`
}

// repoIndex answers POST /v2/repository/index: the models served (READY)
// and the model folder's engine files not loaded (UNAVAILABLE), or only
// the ready ones for {"ready": true}.
func (s *server) repoIndex(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Ready bool `json:"ready"`
	}
	if !readOptionalJSON(w, r, &req) {
		return
	}
	files, err := s.folderModels()
	if err != nil {
		fail(w, http.StatusInternalServerError, "model folder: %v", err)
		return
	}
	served := s.models()
	var out []repoEntry
	for _, name := range slices.Sorted(maps.Keys(served)) {
		out = append(out, repoEntry{Name: name, Version: s.modelVersion(name), State: "READY"})
	}
	for _, name := range files {
		if _, ok := served[name]; !ok && !req.Ready {
			out = append(out, repoEntry{Name: name, State: "UNAVAILABLE", Reason: "unloaded"})
		}
	}
	slices.SortFunc(out, func(a, b repoEntry) int { return strings.Compare(a.Name, b.Name) })
	if out == nil {
		out = []repoEntry{}
	}
	reply(w, http.StatusOK, out)
}

// readOptionalJSON decodes a body that may be empty; false when it
// answered an error.
func readOptionalJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		bodyError(w, err)
		return false
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return true
	}
	if err := json.Unmarshal(body, v); err != nil {
		fail(w, http.StatusBadRequest, "request: %v", err)
		return false
	}
	return true
}

// repoLoad answers POST /v2/repository/models/{name}/load: the engine file
// NAME.slc of the model folder becomes the model NAME (loaded again if it
// was). A k-NN engine is served as the sliced backend serves its engine,
// a full CNN as fullcnn does. A configured backend is served already.
func (s *server) repoLoad(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var req struct {
		Parameters map[string]json.RawMessage `json:"parameters"`
	}
	if !readOptionalJSON(w, r, &req) {
		return
	}
	if len(req.Parameters) > 0 {
		fail(w, http.StatusBadRequest, "load parameters (a configuration or files) are not supported: the model is its engine file %s%s in the model folder", name, modelFile)
		return
	}
	if _, ok := s.d.Backends()[name]; ok {
		reply(w, http.StatusOK, map[string]any{})
		return
	}
	path, ok := s.modelPath(w, name)
	if !ok {
		return
	}
	e, err := engine.Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		fail(w, http.StatusNotFound, "model %q: no %s%s in the model folder %s", name, name, modelFile, s.modelDir())
		return
	}
	if err != nil {
		fail(w, http.StatusBadRequest, "model %q: %v", name, err)
		return
	}
	var b backend.Backend
	if e.Kind() == "fullcnn" {
		if b, err = backend.NewFullCNN(e); err != nil {
			fail(w, http.StatusBadRequest, "model %q: %v", name, err)
			return
		}
	} else {
		sl := backend.NewSliced(func() *engine.Engine { return e })
		if _, err := e.NewSession(); err != nil {
			fail(w, http.StatusBadRequest, "model %q: %v", name, err)
			return
		}
		b = sl
	}
	s.repo.mu.Lock()
	if s.repo.m == nil {
		s.repo.m = map[string]backend.Backend{}
	}
	s.repo.m[name] = backend.Renamed(b, name)
	s.repo.mu.Unlock()
	s.d.Log.Info("model loaded", "model", name, "file", path, "kind", e.Kind(), "classes", len(e.ClassNames()))
	reply(w, http.StatusOK, map[string]any{})
}

// modelPath is the file of model name in the model folder, or answers why
// there is none.
func (s *server) modelPath(w http.ResponseWriter, name string) (string, bool) {
	dir := s.modelDir()
	if dir == "" {
		fail(w, http.StatusNotFound, "model %q: no model folder configured (model_dir, --model-dir)", name)
		return "", false
	}
	if !modelName.MatchString(name) {
		fail(w, http.StatusBadRequest, "model name %q: want letters, digits, '.', '_' or '-', at most 64", name)
		return "", false
	}
	return filepath.Join(dir, name+modelFile), true
}

// repoUnload answers POST /v2/repository/models/{name}/unload for a model
// loaded from the model folder; a configured backend stays (409).
func (s *server) repoUnload(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var req struct{}
	if !readOptionalJSON(w, r, &req) {
		return
	}
	if _, ok := s.d.Backends()[name]; ok {
		fail(w, http.StatusConflict, "model %q is a configured backend, not one of the model folder: change the configuration to remove it", name)
		return
	}
	s.repo.mu.Lock()
	_, loaded := s.repo.m[name]
	delete(s.repo.m, name)
	s.repo.mu.Unlock()
	if !loaded {
		files, _ := s.folderModels()
		if !slices.Contains(files, name) {
			fail(w, http.StatusNotFound, "model %q not found (have %v)", name, s.modelNames())
			return
		}
	} else {
		s.d.Log.Info("model unloaded", "model", name)
	}
	// The Go engine's backends hold nothing to close: a request still
	// running on the model finishes on it.
	reply(w, http.StatusOK, map[string]any{})
}
