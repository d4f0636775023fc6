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

// repoIndex answers POST /v2/repository/index.
func (s *server) repoIndex(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Ready bool `json:"ready"`
	}
	if !readOptionalJSON(w, r, &req) {
		return
	}
	out, err := s.repoEntries(req.Ready)
	if err != nil {
		failWith(w, err)
		return
	}
	reply(w, http.StatusOK, out)
}

// repoEntries are the models served (READY) and the model folder's engine
// files not loaded (UNAVAILABLE), or only the ready ones.
func (s *server) repoEntries(ready bool) ([]repoEntry, *apiError) {
	files, err := s.folderModels()
	if err != nil {
		return nil, errorf(http.StatusInternalServerError, "model folder: %v", err)
	}
	served := s.models()
	var out []repoEntry
	for _, name := range slices.Sorted(maps.Keys(served)) {
		out = append(out, repoEntry{Name: name, Version: s.modelVersion(name), State: "READY"})
	}
	for _, name := range files {
		if _, ok := served[name]; !ok && !ready {
			out = append(out, repoEntry{Name: name, State: "UNAVAILABLE", Reason: "unloaded"})
		}
	}
	slices.SortFunc(out, func(a, b repoEntry) int { return strings.Compare(a.Name, b.Name) })
	if out == nil {
		out = []repoEntry{}
	}
	return out, nil
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

// repoLoad answers POST /v2/repository/models/{name}/load.
func (s *server) repoLoad(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Parameters map[string]json.RawMessage `json:"parameters"`
	}
	if !readOptionalJSON(w, r, &req) {
		return
	}
	if err := s.loadModel(r.PathValue("name"), len(req.Parameters)); err != nil {
		failWith(w, err)
		return
	}
	reply(w, http.StatusOK, map[string]any{})
}

// loadModel makes the engine file NAME.slc of the model folder the model
// NAME (loaded again if it was). A k-NN engine is served as the sliced
// backend serves its engine, a full CNN as fullcnn does. A configured
// backend is served already. params counts the load parameters given,
// which sliced does not take.
func (s *server) loadModel(name string, params int) *apiError {
	if params > 0 {
		return errorf(http.StatusBadRequest, "load parameters (a configuration or files) are not supported: the model is its engine file %s%s in the model folder", name, modelFile)
	}
	if _, ok := s.d.Backends()[name]; ok {
		return nil
	}
	path, aerr := s.modelPath(name)
	if aerr != nil {
		return aerr
	}
	e, err := engine.Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		return errorf(http.StatusNotFound, "model %q: no %s%s in the model folder %s", name, name, modelFile, s.modelDir())
	}
	if err != nil {
		return errorf(http.StatusBadRequest, "model %q: %v", name, err)
	}
	var b backend.Backend
	if e.Kind() == "fullcnn" {
		if b, err = backend.NewFullCNN(e); err != nil {
			return errorf(http.StatusBadRequest, "model %q: %v", name, err)
		}
	} else {
		sl := backend.NewSliced(func() *engine.Engine { return e })
		if _, err := e.NewSession(); err != nil {
			return errorf(http.StatusBadRequest, "model %q: %v", name, err)
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
	return nil
}

// modelPath is the file of model name in the model folder, or why there
// is none.
func (s *server) modelPath(name string) (string, *apiError) {
	dir := s.modelDir()
	if dir == "" {
		return "", errorf(http.StatusNotFound, "model %q: no model folder configured (model_dir, --model-dir)", name)
	}
	if !modelName.MatchString(name) {
		return "", errorf(http.StatusBadRequest, "model name %q: want letters, digits, '.', '_' or '-', at most 64", name)
	}
	return filepath.Join(dir, name+modelFile), nil
}

// repoUnload answers POST /v2/repository/models/{name}/unload.
func (s *server) repoUnload(w http.ResponseWriter, r *http.Request) {
	var req struct{}
	if !readOptionalJSON(w, r, &req) {
		return
	}
	if err := s.unloadModel(r.PathValue("name")); err != nil {
		failWith(w, err)
		return
	}
	reply(w, http.StatusOK, map[string]any{})
}

// unloadModel unloads a model loaded from the model folder; a configured
// backend stays (409).
func (s *server) unloadModel(name string) *apiError {
	if _, ok := s.d.Backends()[name]; ok {
		return errorf(http.StatusConflict, "model %q is a configured backend, not one of the model folder: change the configuration to remove it", name)
	}
	s.repo.mu.Lock()
	_, loaded := s.repo.m[name]
	delete(s.repo.m, name)
	s.repo.mu.Unlock()
	if !loaded {
		files, _ := s.folderModels()
		if !slices.Contains(files, name) {
			return errorf(http.StatusNotFound, "model %q not found (have %v)", name, s.modelNames())
		}
	} else {
		s.d.Log.Info("model unloaded", "model", name)
	}
	// The Go engine's backends hold nothing to close: a request still
	// running on the model finishes on it.
	return nil
}
