package api

import (
	"fmt"
	"image"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/enrolfile"
	"github.com/sliced-ai/sliced/engine/knn"
)

func (s *server) classesRoutes() {
	s.handle("GET /v1/classes", "classes", func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusOK, map[string]any{"classes": s.d.Store.Classes()})
	})
	s.handle("POST /v1/classes/{name}/examples", "enrol", s.mutating(s.enrol))
	s.handle("DELETE /v1/classes/{name}", "unenrol", s.mutating(s.unenrol))
	s.handle("GET /v1/classes/export", "export", s.exportClasses)
	s.handle("POST /v1/classes/import", "import", s.mutating(s.importClasses))
	s.handle("POST /v1/engine/rollback", "rollback", s.mutating(s.rollback))
}

// maxExamples bounds one enrolment request.
const maxExamples = 64

// enrol answers POST /v1/classes/{name}/examples. The body is one image,
// or multipart/form-data whose file parts are images. With
// ?source=S[&region=R] each image is a full frame of source S and region
// R of it is enrolled, as the pipeline cuts it; an empty body enrols
// that region of S's latest frame: what the region sees now.
func (s *server) enrol(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := enrolfile.CheckName(name); err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	fr, herr := s.regionOf(r)
	if herr != nil {
		herr.write(w, "")
		return
	}
	pf := s.d.Prep
	if fr != nil {
		pf = fr.prep
	}
	var inputs [][]float32
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				bodyError(w, err)
				return
			}
			if part.FileName() == "" {
				continue
			}
			if len(inputs) == maxExamples {
				fail(w, http.StatusRequestEntityTooLarge, "more than %d examples in one request", maxExamples)
				return
			}
			in, _, _, herr := s.readImageWith(part, pf)
			if herr != nil {
				herr.write(w, fmt.Sprintf("example %q: ", part.FileName()))
				return
			}
			inputs = append(inputs, in)
		}
	} else {
		data, herr := readBody(r.Body)
		var in []float32
		switch {
		case herr != nil:
		case len(data) == 0 && fr != nil:
			in, herr = s.latest(fr)
		default:
			var m image.Image
			if m, herr = s.decodeImage(data); herr == nil {
				in, herr = prepImage(pf, m)
			}
		}
		if herr != nil {
			herr.write(w, "")
			return
		}
		inputs = append(inputs, in)
	}
	if len(inputs) == 0 {
		fail(w, http.StatusBadRequest, "no images in the request")
		return
	}
	n, err := s.d.Store.Add(name, inputs)
	if err != nil {
		s.storeError(w, fmt.Sprintf("enrolment of class %q", name), err)
		return
	}
	out := map[string]any{"class": name, "added": len(inputs), "examples": n}
	logged := []any{"class", name, "added", len(inputs), "examples", n}
	if fr != nil {
		out["source"], out["region"] = fr.source, fr.region
		logged = append(logged, "source", fr.source, "region", fr.region)
	}
	s.d.Log.Info("enrolled", logged...)
	reply(w, http.StatusCreated, out)
}

func (s *server) unenrol(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if name == knn.OtherName {
		fail(w, http.StatusBadRequest, "class %q stands for answers that match no class and cannot be removed", name)
		return
	}
	found, err := s.d.Store.Remove(name)
	switch {
	case err != nil:
		s.storeError(w, fmt.Sprintf("removal of class %q", name), err)
	case !found:
		fail(w, http.StatusNotFound, "class %q not found", name)
	default:
		s.d.Log.Info("class removed", "class", name)
		w.WriteHeader(http.StatusNoContent)
	}
}
