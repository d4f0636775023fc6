package main

import (
	"errors"
	"flag"
	"io"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("sliced "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse turns flag errors into errUsage (the message is already printed).
func parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) || err != nil {
		return errUsage
	}
	return nil
}

// loadEngine reads the engine at path, or an embedded one by name
// ("mnist", the default for "", or "scene").
func loadEngine(path string) (*engine.Engine, error) { return models.Load(path) }

// convFlag registers --conv, the convolution algorithm of the engine's
// session, as sliced serve's conv setting.
func convFlag(fs *flag.FlagSet) *string {
	return fs.String("conv", "auto", nn.ConvAlgoUsage())
}
