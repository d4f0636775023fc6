package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/enrolfile"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/store"
)

// rollback answers POST /v1/engine/rollback: the previous engine version
// is served again, as a new version.
func (s *server) rollback(w http.ResponseWriter, r *http.Request) {
	v, err := s.d.Store.Rollback()
	switch {
	case errors.Is(err, store.ErrNoRollback):
		fail(w, http.StatusConflict, "%v (version %d is served)", err, s.d.Store.Version())
		return
	case err != nil:
		s.storeError(w, "rollback", err)
		return
	}
	s.d.Log.Info("engine rolled back", "version", v)
	prev := append([]int{}, s.d.Store.Previous()...)
	reply(w, http.StatusOK, map[string]any{"version": v, "previous": prev, "classes": s.d.Store.Classes()})
}

// exportClasses answers GET /v1/classes/export with the enrolment file of
// the enrolled classes (package enrolfile).
func (s *server) exportClasses(w http.ResponseWriter, r *http.Request) {
	f, err := s.d.Store.Export()
	var buf bytes.Buffer
	if err == nil {
		err = enrolfile.Encode(&buf, f)
	}
	if err != nil {
		s.storeError(w, "export", err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="sliced-classes.sle"`)
	w.Header().Set("X-Sliced-Engine-Version", strconv.Itoa(s.d.Store.Version()))
	w.Write(buf.Bytes())
}

// importClasses answers POST /v1/classes/import: the body is an enrolment
// file; its classes are added as one new version, or nothing changes.
func (s *server) importClasses(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		bodyError(w, err)
		return
	}
	f, err := enrolfile.Decode(body)
	if err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	names, err := s.d.Store.Import(f)
	if err != nil {
		s.storeError(w, "import", err)
		return
	}
	v := s.d.Store.Version()
	s.d.Log.Info("classes imported", "classes", names, "version", v)
	reply(w, http.StatusCreated, map[string]any{"imported": names, "version": v})
}
