package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/result"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/imageio"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

func init() {
	register(command{name: "classify", summary: "classify images (PNG, JPEG, PGM) or folders of them", run: runClassify})
}

// maxImageBytes bounds what classify reads of one file.
const maxImageBytes = 64 << 20

// classifyLine is one --json output line: the result as the daemon gives
// it (package result), with the file and how it was preprocessed.
type classifyLine struct {
	Path string `json:"path"`
	result.Result
	Mode  string `json:"mode"`
	Empty bool   `json:"empty,omitempty"`
}

func runClassify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("classify", stderr)
	path := fset.String("engine", "", "engine file, or an embedded engine: mnist (the default) or scene")
	asJSON := fset.Bool("json", false, "one JSON object per line")
	maxPixels := fset.Int("max-pixels", imageio.DefaultMaxPixels, "refuse images with more pixels than this")
	unknownScale := fset.Float64("unknown-scale", engine.DefaultUnknownScale, "open-set strictness: multiplies every class radius (larger is more lenient, 0 never answers unknown)")
	views := fset.Int("unknown-views", engine.DefaultUnknownViews, "open-set views: how many one-pixel shifts of a digit frame (with the frame) the unknown rule averages where the frame is near its class radius (1: the frame alone)")
	conv := convFlag(fset)
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: sliced classify [--engine FILE] [--json] PATH...")
		fset.PrintDefaults()
	}
	if err := parse(fset, args); err != nil {
		return err
	}
	if fset.NArg() == 0 {
		fset.Usage()
		return errUsage
	}
	algo, err := nn.ParseConvAlgo(*conv)
	if err != nil {
		return err
	}
	if *views < 1 || *views > engine.DefaultUnknownViews {
		return fmt.Errorf("--unknown-views %d: want 1 (the frame alone) to %d", *views, engine.DefaultUnknownViews)
	}
	e, err := loadEngine(*path)
	if err != nil {
		return err
	}
	sess, err := e.NewSessionOptions(nn.Options{Conv: algo})
	if err == nil {
		sess.UnknownScale = *unknownScale
		sess.UnknownViews = *views
	}
	if err != nil {
		return err
	}
	c := classifier{sess: sess, prep: preprocess.New(), dec: imageio.Decoder{MaxPixels: *maxPixels}, json: *asJSON, out: stdout}
	failed := 0
	for _, root := range fset.Args() {
		files, err := imageFiles(root)
		if err != nil {
			fmt.Fprintf(stderr, "sliced classify: %v\n", err)
			failed++
			continue
		}
		for _, f := range files {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err := c.classify(f); err != nil {
				fmt.Fprintf(stderr, "sliced classify: %s: %v\n", f, err)
				failed++
			}
		}
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "sliced classify: %d file(s) could not be classified\n", failed)
		return exitError(1)
	}
	return nil
}

// imageFiles expands a folder into its image files (sorted, recursively);
// a file is returned as is, whatever its name.
func imageFiles(root string) ([]string, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{root}, nil
	}
	var out []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".png", ".jpg", ".jpeg", ".pgm":
			if !d.IsDir() {
				out = append(out, p)
			}
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

type classifier struct {
	sess   *engine.Session
	prep   *preprocess.Preprocessor
	dec    imageio.Decoder
	tensor [28 * 28]float32
	json   bool
	out    io.Writer
}

func (c *classifier) classify(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxImageBytes+1))
	if err != nil {
		return err
	}
	if len(data) > maxImageBytes {
		return fmt.Errorf("larger than %d bytes", maxImageBytes)
	}
	t0 := time.Now()
	img, _, err := c.dec.DecodeBytes(data)
	if err != nil {
		return err
	}
	t1 := time.Now()
	in := c.tensor[:]
	var info preprocess.Info
	if e := c.sess.Engine(); e.Prep.Mode != engine.PrepDigit {
		// A scene engine classifies the whole image (a crop of its region).
		if in, _, err = prep.Engine(e, nil, img); err != nil {
			return err
		}
	} else if info, err = c.prep.Image(in, img); err != nil {
		return err
	}
	t2 := time.Now()
	p, err := c.sess.Classify(in)
	if err != nil {
		return err
	}
	t3 := time.Now()
	if !c.json {
		_, err = fmt.Fprintf(c.out, "%s\t%s\t%.3f\n", path, p.Class, p.Score)
		return err
	}
	line := classifyLine{Path: path, Result: result.FromPrediction(p, c.sess.Engine().ClassNames()),
		Mode: info.Mode.String(), Empty: info.Empty}
	if e := c.sess.Engine(); e.Prep.Mode != engine.PrepDigit {
		line.Mode = e.Prep.Mode.String()
	}
	line.LatencyUS = result.US(t3.Sub(t0))
	line.Timings = &result.Timings{DecodeUS: result.US(t1.Sub(t0)), PreprocessUS: result.US(t2.Sub(t1)),
		InferenceUS: result.US(t3.Sub(t2)), ConvUS: result.US(p.Timing.Conv), KNNUS: result.US(p.Timing.KNN)}
	return json.NewEncoder(c.out).Encode(line)
}
