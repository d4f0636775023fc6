package build_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/sliced-ai/sliced/calibration/build"
	"github.com/sliced-ai/sliced/engine"
)

// A build from a folder of images with the default settings: the engine
// and its held-out accuracy.
func Example() {
	cfg := build.Defaults()
	cfg.Folder, cfg.Work, cfg.Log = "shapes", "shapes.work", os.Stderr
	res, err := build.Run(context.Background(), cfg)
	if err != nil {
		log.Fatal(err) // run again to go on from shapes.work
	}
	if err := engine.Save("shapes.slc", res.Engine); err != nil {
		log.Fatal(err)
	}
	near, open := res.Heldout.Accuracy()
	fmt.Printf("%.2f %% held out, %.2f %% with unknown counted wrong\n", 100*near, 100*open)
	res.Heldout.WriteMarkdown(os.Stdout)
}
