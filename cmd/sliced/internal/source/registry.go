package source

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
)

// Factory makes a source of one kind from its configuration, without
// opening it (the Runner does). A factory that reads only part of its kind
// (the pure-Go video reader reads MJPEG .avi files) returns a *Declined
// for the rest.
type Factory func(c config.Source, maxPixels int64) (Source, error)

// Declined is a Factory's error for a source of its kind that another
// reader of the kind must open.
type Declined struct{ Reason string }

func (d *Declined) Error() string { return d.Reason }

// readers holds each kind's factories. Those of one kind take disjoint
// sets of sources, so the order their files register in does not matter.
var readers = map[string][]Factory{}

// needs says what reads each config kind (config.Kinds) that some builds
// lack, in whole or in part.
var needs = map[string]string{
	"device":    "V4L2 (Linux) or OpenCV",
	"gstreamer": "OpenCV",
	"video":     "OpenCV for files other than MJPEG .avi",
}

// Register adds a reader of kind; each kind's file calls it from init.
func Register(kind string, f Factory) { readers[kind] = append(readers[kind], f) }

// Kinds are the kinds this build reads, sorted.
func Kinds() []string {
	var ks []string
	for k := range readers {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Open makes the source c configures. A kind, or a file of a kind, that
// this build cannot read is an error that says what reads it.
func Open(c config.Source, maxPixels int64) (Source, error) {
	fs := readers[c.Kind]
	if len(fs) == 0 {
		n, ok := needs[c.Kind]
		if !ok {
			return nil, fmt.Errorf("source %s: kind %q is not one of %v", c.Name, c.Kind, config.Kinds)
		}
		return nil, fmt.Errorf("source %s: kind %s needs %s; this binary was built without the gocv tag (its kinds: %s)",
			c.Name, c.Kind, n, strings.Join(Kinds(), ", "))
	}
	var why []string
	for _, f := range fs {
		s, err := f(c, maxPixels)
		var d *Declined
		if !errors.As(err, &d) {
			return s, err
		}
		why = append(why, d.Reason)
	}
	return nil, fmt.Errorf("source %s: %s; kind %s needs %s; this binary was built without the gocv tag",
		c.Name, strings.Join(why, "; "), c.Kind, needs[c.Kind])
}
