package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/candidates"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/enrolfile"
	"github.com/sliced-ai/sliced/engine"
)

func (s *server) candidatesRoutes() {
	s.handle("GET /v1/candidates", "candidates", s.listCandidates)
	s.handle("GET /v1/candidates/{id}/thumbnail.png", "candidate_thumbnail", s.candidateThumbnail)
	s.handle("POST /v1/candidates/{id}/enrol", "candidate_enrol", s.mutating(s.enrolCandidate))
	s.handle("DELETE /v1/candidates/{id}", "candidate_delete", s.mutating(s.deleteCandidate))
}

// candidateJSON is one listed candidate; its answer's fields are named as
// in a result (package result), which the live view reads both with.
type candidateJSON struct {
	ID        string    `json:"id"`
	Time      time.Time `json:"time"`
	Source    string    `json:"source"`
	Label     string    `json:"label"`
	Known     bool      `json:"known"`
	Score     float32   `json:"score"`
	Nearest   string    `json:"nearest,omitempty"` // unknown answers only
	Thumbnail string    `json:"thumbnail"`
}

func thumbnailURL(id string) string { return "/v1/candidates/" + id + "/thumbnail.png" }

// listCandidates answers GET /v1/candidates, newest first.
func (s *server) listCandidates(w http.ResponseWriter, r *http.Request) {
	out := []candidateJSON{}
	var keep int
	var below float64
	if k := s.d.Candidates; k != nil {
		keep, below = k.Settings()
		for _, c := range k.List() {
			j := candidateJSON{ID: c.ID, Time: c.Time, Source: c.Source, Label: c.Class, Known: c.Known,
				Score: c.Score, Thumbnail: thumbnailURL(c.ID)}
			if !c.Known {
				j.Nearest = c.Nearest
			}
			out = append(out, j)
		}
	}
	reply(w, http.StatusOK, map[string]any{"keep": keep, "below": below, "candidates": out})
}

// candidate finds the path's candidate or answers 404.
func (s *server) candidate(w http.ResponseWriter, r *http.Request) (candidates.Candidate, bool) {
	id := r.PathValue("id")
	if k := s.d.Candidates; k != nil {
		if c, ok := k.Get(id); ok {
			return c, true
		}
	}
	fail(w, http.StatusNotFound, "candidate %q not found", id)
	return candidates.Candidate{}, false
}

func (s *server) candidateThumbnail(w http.ResponseWriter, r *http.Request) {
	c, ok := s.candidate(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable") // an id's thumbnail never changes
	w.Write(c.Thumbnail)
}

// enrolCandidate answers POST /v1/candidates/{id}/enrol?class=NAME: the
// candidate's input becomes an example of NAME (a new engine version) and
// the candidate is removed.
func (s *server) enrolCandidate(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.candidate(w, r); !ok {
		return
	}
	name := r.URL.Query().Get("class")
	if name == "" {
		fail(w, http.StatusBadRequest, "missing ?class=NAME: the class to enrol the candidate as")
		return
	}
	if err := enrolfile.CheckName(name); err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	if name == engine.Unknown {
		fail(w, http.StatusBadRequest, "class name %q is reserved for answers that match no class", name)
		return
	}
	id := r.PathValue("id")
	c, done, err := s.d.Candidates.Claim(id)
	switch {
	case errors.Is(err, candidates.ErrNotFound):
		fail(w, http.StatusNotFound, "candidate %q not found", id)
		return
	case errors.Is(err, candidates.ErrBusy):
		fail(w, http.StatusConflict, "candidate %q: %v", id, err)
		return
	}
	if in := s.d.Store.Engine().Stack.In; c.InputShape() != in {
		done(false)
		fail(w, http.StatusConflict, "candidate %s was kept for an engine whose input is %v; the served engine takes %v", id, c.InputShape(), in)
		return
	}
	n, err := s.d.Store.Add(name, [][]float32{c.Input})
	if err != nil {
		done(false)
		s.storeError(w, fmt.Sprintf("enrolment of candidate %s as class %q", id, name), err)
		return
	}
	removed := true
	if err := done(true); err != nil {
		removed = false
		s.d.Log.Warn("enrolled candidate not removed", "candidate", id, "err", err)
	}
	v := s.d.Store.Version()
	s.d.Log.Info("candidate enrolled", "candidate", id, "class", name, "examples", n, "version", v)
	reply(w, http.StatusCreated, map[string]any{"candidate": id, "class": name, "examples": n, "version": v, "removed": removed})
}

func (s *server) deleteCandidate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	err := candidates.ErrNotFound
	if k := s.d.Candidates; k != nil {
		err = k.Remove(id)
	}
	switch {
	case errors.Is(err, candidates.ErrNotFound):
		fail(w, http.StatusNotFound, "candidate %q not found", id)
	case err != nil:
		s.d.Log.Error("removal of a candidate failed", "candidate", id, "err", err)
		fail(w, http.StatusInternalServerError, "removal of candidate %s: %v", id, err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// offer keeps a classified upload as a candidate when the engine was
// unsure of it; it returns the candidate's id, "" when not kept.
func (s *server) offer(in []float32, a candidates.Answer) string {
	k := s.d.Candidates
	if k == nil {
		return ""
	}
	id, err := k.Offer(candidates.Frame{Time: time.Now(), Source: ClassifySource, Answer: a, Input: in})
	if err != nil {
		s.d.Log.Warn("candidate not kept", "source", ClassifySource, "err", err)
	}
	return id
}

// ClassifySource is the source of candidates from POST /v1/classify.
const ClassifySource = "http"
