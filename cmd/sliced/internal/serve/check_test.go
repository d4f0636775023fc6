package serve

import (
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/models"
)

func TestCheckSources(t *testing.T) {
	scene, digits := fixture.Scene(1), fixture.Engine(models.B, 1)
	roi := &config.Region{W: 0.5, H: 0.5}
	named := []config.NamedRegion{{Name: "door", ROI: roi}}
	for _, tc := range []struct {
		src  config.Source
		dig  bool
		want string // "" for fine
	}{
		{config.Source{Kind: "dir", Regions: named}, false, ""},
		{config.Source{Kind: "upload", ROI: roi}, false, ""},
		// Cameras and videos give an RGB engine colour.
		{config.Source{Kind: "video", ROI: roi}, false, ""},
		{config.Source{Kind: "device", Regions: named}, false, ""},
		{config.Source{Kind: "rtsp", Regions: named}, false, ""},
		{config.Source{Kind: "gstreamer", ROI: roi}, false, ""},
		{config.Source{Kind: "dir", Regions: named}, true, "sources[0].regions: engine"},
		{config.Source{Kind: "video", ROI: roi}, true, ""}, // a gray digit engine ignores a single roi, as before
	} {
		e := scene
		if tc.dig {
			e = digits
		}
		err := checkSources([]config.Source{tc.src}, e)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v on %s: %v", tc.src, e.Name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v on %s: err %v, want %s", tc.src, e.Name, err, tc.want)
		}
	}
}
