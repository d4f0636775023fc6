package serve

import (
	"errors"
	"fmt"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/engine"
)

// checkSources says, naming the key, which sources cannot feed engine e:
// named regions for an engine that does not read a region. A single roi
// on a digit or whole-frame engine stays ignored, as the engine's PREP
// section says. Every kind gives colour to an RGB engine (the MJPEG
// readers keep the decoded YCbCr frame, the cameras are asked per frame,
// see source.Colorer), so gray or RGB is no longer a source's limit.
// Checked at start, by --check and on reload, since the engine decides.
func checkSources(srcs []config.Source, e *engine.Engine) error {
	var errs []error
	for i, s := range srcs {
		key := fmt.Sprintf("sources[%d]", i)
		if len(s.Regions) > 0 && e.Prep.Mode != engine.PrepROI {
			errs = append(errs, fmt.Errorf("config: %s.regions: engine %q is in %s mode, which reads the frame by its own rule: regions need an engine in roi mode",
				key, e.Name, e.Prep.Mode))
		}
	}
	return errors.Join(errs...)
}
