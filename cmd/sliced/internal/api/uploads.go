package api

import (
	"io"
	"net/http"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
)

func (s *server) uploadRoutes() {
	s.handle("POST /v1/sources/{name}/frames", "upload", s.mutating(s.upload))
}

// upload feeds an image to an upload source's pipeline; the result appears
// in the metrics, the live view and /v1/recent.
func (s *server) upload(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	u := s.d.Uploads(name)
	if u == nil {
		fail(w, http.StatusNotFound, "no upload source %q", name)
		return
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		bodyError(w, err)
		return
	}
	_, pixels := s.d.Limits()
	m, _, err := prep.Decode(data, pixels)
	if err != nil {
		code := http.StatusUnsupportedMediaType
		if prep.IsTooLarge(err) {
			code = http.StatusRequestEntityTooLarge
		}
		fail(w, code, "%v", err)
		return
	}
	queued := u.Push(m)
	reply(w, http.StatusAccepted, map[string]any{"source": name, "replaced_waiting_frame": !queued})
}
