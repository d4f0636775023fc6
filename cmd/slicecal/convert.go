package main

import (
	"fmt"

	"github.com/sliced-ai/sliced/engine"
)

func init() {
	register(&command{Name: "convert", Summary: "rewrite an engine file with other storage precisions", Run: runConvert})
}

func runConvert(args []string) error {
	fs := newFlags("convert", "--in FILE --out FILE [--weights P] [--protos P]")
	in := fs.String("in", "", "engine file to read (required)")
	out := fs.String("out", "", "engine file to write (required)")
	wt := fs.String("weights", "", "precision of the layer weights: float32, float16 or int8 (default: unchanged)")
	pt := fs.String("protos", "", "precision of the prototypes (default: unchanged)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		fmt.Fprintln(fs.Output(), "slicecal convert: --in and --out are required")
		return errUsage
	}
	e, err := engine.Load(*in)
	if err != nil {
		return err
	}
	if *wt != "" {
		if e.WeightType, err = engine.ParseDType(*wt); err != nil {
			return err
		}
	}
	if *pt != "" {
		if e.ProtoType, err = engine.ParseDType(*pt); err != nil {
			return err
		}
	}
	if err := engine.Save(*out, e); err != nil {
		return err
	}
	size, _ := engine.EncodedSize(e)
	fmt.Printf("wrote %s: %d bytes, weights %v\n", *out, size, e.WeightType)
	return nil
}
