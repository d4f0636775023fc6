package serve

import (
	"errors"
	"fmt"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
	"github.com/sliced-ai/sliced/engine"
)

// checkSources says, naming the key, which sources cannot feed engine e:
// an RGB engine on a source of gray frames, or named regions for an
// engine that does not read a region. A single roi on a digit or
// whole-frame engine stays ignored, as the engine's PREP section says.
// Checked at start, by --check and on reload, since the engine decides.
func checkSources(srcs []config.Source, e *engine.Engine) error {
	var errs []error
	in := e.Stack.In
	for i, s := range srcs {
		key := fmt.Sprintf("sources[%d]", i)
		if e.Prep.Mode != engine.PrepDigit && in.C == 3 && source.Gray(s.Kind) {
			errs = append(errs, fmt.Errorf("config: %s.kind: %s frames are gray; engine %q takes RGB (%s): use a gray engine, or a dir or upload source",
				key, s.Kind, e.Name, in))
		}
		if len(s.Regions) > 0 && e.Prep.Mode != engine.PrepROI {
			errs = append(errs, fmt.Errorf("config: %s.regions: engine %q is in %s mode, which reads the frame by its own rule: regions need an engine in roi mode",
				key, e.Name, e.Prep.Mode))
		}
	}
	return errors.Join(errs...)
}
