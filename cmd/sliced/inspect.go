package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
)

func init() {
	register(command{name: "inspect", summary: "describe an engine file: format, layers, prototypes, classes", run: runInspect})
}

// engineInfo is what inspect prints; the JSON field names are a contract.
type engineInfo struct {
	File          string      `json:"file"`
	FormatVersion int         `json:"format_version"`
	Kind          string      `json:"kind"`
	Name          string      `json:"name"`
	Topology      string      `json:"topology"`
	Input         string      `json:"input"`
	Preprocess    string      `json:"preprocess"`
	OpenSet       string      `json:"open_set,omitempty"`
	Layers        []layerInfo `json:"layers"`
	Params        int         `json:"params"`
	ConvParams    int         `json:"conv_params"`
	WeightType    string      `json:"weight_type"`
	Projection    string      `json:"projection,omitempty"`
	K             int         `json:"k,omitempty"`
	Metric        string      `json:"metric,omitempty"`
	Vote          string      `json:"vote,omitempty"`
	Prototypes    int         `json:"prototypes,omitempty"`
	ProtoType     string      `json:"prototype_type,omitempty"`
	FeatureDim    int         `json:"feature_dim"`
	Classes       []string    `json:"classes"`
	PerClass      []int       `json:"prototypes_per_class,omitempty"`
	Bytes         int         `json:"bytes"`
}

type layerInfo struct {
	Op     string `json:"op"`
	Out    string `json:"out"`
	Params int    `json:"params"`
	// Algo is how this machine runs a conv layer: direct (im2col and one
	// product), a Winograd variant or int8.
	Algo string `json:"algo,omitempty"`
}

func describe(file string, e *engine.Engine, conv nn.ConvAlgo) (engineInfo, error) {
	size, err := engine.EncodedSize(e)
	if err != nil {
		return engineInfo{}, err
	}
	shapes, err := e.Stack.Shapes()
	if err != nil {
		return engineInfo{}, err
	}
	dim, _ := e.FeatureDim()
	info := engineInfo{
		File: file, FormatVersion: engine.Version, Kind: e.Kind(), Name: e.Name, Topology: e.Topology,
		Input: e.Stack.In.String(), Params: e.Stack.Params(), WeightType: e.WeightType.String(),
		FeatureDim: dim, Classes: e.ClassNames(), Bytes: size,
	}
	sess, err := e.NewSessionOptions(nn.Options{Conv: conv})
	if err != nil {
		return engineInfo{}, err
	}
	for i, l := range e.Stack.Layers {
		p := len(l.W) + len(l.B)
		li := layerInfo{Op: l.Op.String(), Out: shapes[i].String(), Params: p}
		if l.Op == nn.OpConv {
			info.ConvParams += p
			li.Algo = sess.ConvAlgo(i).String()
		}
		info.Layers = append(info.Layers, li)
	}
	info.Preprocess = e.Prep.Mode.String()
	if e.Prep.Mode != engine.PrepDigit {
		info.Preprocess += ", " + e.Prep.Fit.String()
	}
	if e.Proj != nil {
		info.Projection = fmt.Sprintf("%d -> %d", e.Proj.In, e.Proj.Out)
	}
	if s := e.KNN; s != nil {
		info.K, info.Metric, info.Vote, info.Prototypes, info.ProtoType = s.K, s.Metric.String(), s.Vote.String(), s.Len(), e.ProtoType.String()
		info.PerClass = s.Counts()
		switch o := s.Open; {
		case o.Gaussian():
			info.OpenSet = fmt.Sprintf("Gaussian (Mahalanobis distance to the class mean), quantile %g", o.Quantile)
		case o != nil:
			info.OpenSet = fmt.Sprintf("distance to the nearest prototype, quantile %g", o.Quantile)
		}
		if o := s.Open; o != nil && o.Prior > 0 {
			info.OpenSet += fmt.Sprintf(", enrolled classes start from radius %.2f", o.Prior)
		}
		if o := s.Open; o.Gaussian() {
			var n int
			for _, v := range o.Spread {
				if v > 0 {
					n++
				}
			}
			if n > 0 && n < len(s.Classes) {
				info.OpenSet += fmt.Sprintf("; %d enrolled classes compete with the k-NN's answer by likelihood (their own mean and spread)", n)
			}
		}
	}
	return info, nil
}

func runInspect(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("inspect", stderr)
	path := fs.String("engine", "", "engine file, or an embedded engine: mnist (the default) or scene")
	asJSON := fs.Bool("json", false, "print JSON")
	conv := convFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	// `sliced inspect FILE [--json]` is what people type: one engine,
	// named either way, flags before or after it.
	if rest := fs.Args(); len(rest) > 0 {
		if *path != "" {
			return fmt.Errorf("one engine, --engine %s or %s, not both", *path, rest[0])
		}
		*path = rest[0]
		if err := parse(fs, rest[1:]); err != nil {
			return err
		}
		if len(fs.Args()) > 0 {
			return fmt.Errorf("one engine, not %q", append([]string{*path}, fs.Args()...))
		}
	}
	e, err := loadEngine(*path)
	if err != nil {
		return err
	}
	file := *path
	if file == "" {
		file = "(embedded default)"
	}
	algo, err := nn.ParseConvAlgo(*conv)
	if err != nil {
		return err
	}
	info, err := describe(file, e, algo)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(info)
	}
	w := func(k, v string) { fmt.Fprintf(stdout, "%-15s %s\n", k+":", v) }
	w("file", info.File)
	w("format", fmt.Sprintf("sliced engine v%d, %d bytes", info.FormatVersion, info.Bytes))
	w("kind", info.Kind)
	w("name", info.Name)
	w("topology", info.Topology)
	w("input", info.Input)
	w("preprocess", info.Preprocess)
	var ls []string
	for _, l := range info.Layers {
		if l.Algo != "" {
			ls = append(ls, fmt.Sprintf("%s[%s](%s)", l.Op, l.Algo, l.Out))
			continue
		}
		ls = append(ls, fmt.Sprintf("%s(%s)", l.Op, l.Out))
	}
	w("layers", strings.Join(ls, " -> "))
	w("params", fmt.Sprintf("%d (conv %d), stored as %s", info.Params, info.ConvParams, info.WeightType))
	if info.Kind == "sliced" {
		if info.Projection != "" {
			w("projection", info.Projection)
		}
		w("k-NN", fmt.Sprintf("k=%d, %s distance, %s vote, %d prototypes of %d values as %s", info.K, info.Metric, info.Vote, info.Prototypes, info.FeatureDim, info.ProtoType))
		if info.OpenSet != "" {
			w("unknown", info.OpenSet)
		}
	}
	if len(info.Classes) == 0 {
		w("classes", "none yet: every answer is unknown until classes are enrolled")
		return nil
	}
	w("classes", fmt.Sprintf("%d: %s", len(info.Classes), strings.Join(info.Classes, " ")))
	return nil
}
