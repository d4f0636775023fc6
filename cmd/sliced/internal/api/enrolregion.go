package api

import (
	"image"
	"net/http"
	"strconv"
	"strings"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
)

// frameRegion is an enrolment's ?source=S&region=R: examples are that
// region of S's frames, cut as the pipeline cuts it, and an empty body
// means S's latest frame.
type frameRegion struct {
	source, region string
	prep           prep.Func
}

// regionOf reads ?source= and ?region=; nil when the request names no
// source. A source of named regions needs ?region=; a source without
// them is its one region (its roi, or the engine's whole-frame rule).
func (s *server) regionOf(r *http.Request) (*frameRegion, *httpError) {
	q := r.URL.Query()
	src, reg := q.Get("source"), q.Get("region")
	if src == "" {
		if q.Has("region") || q.Has("source") {
			return nil, &httpError{http.StatusBadRequest, "?region= needs ?source=NAME, the source whose frames are enrolled"}
		}
		return nil, nil
	}
	var srcs []config.Source
	if s.d.Sources != nil {
		srcs = s.d.Sources()
	}
	var names []string
	for _, sc := range srcs {
		names = append(names, strconv.Quote(sc.Name))
		if sc.Name != src {
			continue
		}
		var regions []string
		for _, nr := range sc.Regions {
			regions = append(regions, strconv.Quote(nr.Name))
		}
		switch {
		case reg == "" && len(sc.Regions) > 0:
			return nil, &httpError{http.StatusBadRequest, "source " + strconv.Quote(src) + " has regions " + strings.Join(regions, ", ") + ": name one with ?region=NAME"}
		case reg != "" && len(sc.Regions) == 0:
			return nil, &httpError{http.StatusNotFound, "source " + strconv.Quote(src) + " has no named regions: leave out ?region= for its one region"}
		}
		for _, nr := range sc.RegionList() {
			if nr.Name != reg {
				continue
			}
			pf := s.d.Prep
			if nr.ROI != nil {
				pf = prep.For(s.d.Store.Engine, nr.ROI.In)
			}
			return &frameRegion{source: src, region: reg, prep: pf}, nil
		}
		return nil, &httpError{http.StatusNotFound, "source " + strconv.Quote(src) + " has no region " + strconv.Quote(reg) + " (its regions: " + strings.Join(regions, ", ") + ")"}
	}
	have := "none"
	if len(names) > 0 {
		have = strings.Join(names, ", ")
	}
	return nil, &httpError{http.StatusNotFound, "source " + strconv.Quote(src) + " is not configured (sources: " + have + ")"}
}

// latest is the input of fr's region in its source's latest frame.
func (s *server) latest(fr *frameRegion) ([]float32, *httpError) {
	var m image.Image
	ok := false
	if s.d.LatestFrame != nil {
		m, ok = s.d.LatestFrame(fr.source)
	}
	if !ok {
		return nil, &httpError{http.StatusConflict, "source " + strconv.Quote(fr.source) + " has no frame yet: enrol once it delivers (see /v1/latest), or post a frame"}
	}
	return prepImage(fr.prep, m)
}
