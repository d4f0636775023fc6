package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/enrolfile"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/imageio"
	"github.com/sliced-ai/sliced/models"
)

// enrollAdd is sliced enroll add: images decoded and preprocessed as
// classify does, run through the conv stack and the projection, and added
// as prototypes of the class (knn.Set.Add also sets its open-set radius).
func enrollAdd(args []string, stdout, stderr io.Writer) error {
	fs, path := enrollFlags("add", "--engine FILE [--out FILE] NAME IMAGE...", stderr)
	out := fs.String("out", "", "write the engine to this `file` (default: --engine)")
	maxPixels := fs.Int("max-pixels", imageio.DefaultMaxPixels, "refuse images with more pixels than this")
	e, err := parseEnroll(fs, path, args)
	if err != nil {
		return err
	}
	dst, err := destination(*out, *path)
	if err != nil {
		return err
	}
	if fs.NArg() < 2 {
		fs.Usage()
		return errUsage
	}
	name := fs.Arg(0)
	if err := enrolfile.CheckName(name); err != nil {
		return err
	}
	var files []string
	for _, root := range fs.Args()[1:] {
		f, err := imageFiles(root)
		if err != nil {
			return err
		}
		files = append(files, f...)
	}
	if len(files) == 0 {
		return errors.New("no images found")
	}
	vecs, err := features(e, files, *maxPixels)
	if err != nil {
		return err
	}
	idx, err := e.Enrol(name, vecs)
	if err != nil {
		return err
	}
	if err := engine.Save(dst, e); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "class %q: %d examples added, %d in all, radius %s; wrote %s\n", name, len(vecs), e.KNN.Counts()[idx], radius(e, idx), dst)
	return nil
}

// features decodes, preprocesses and runs every image up to the k-NN's
// vector; any image that fails fails them all.
func features(e *engine.Engine, files []string, maxPixels int) ([][]float32, error) {
	sess, err := e.NewSession()
	if err != nil {
		return nil, err
	}
	dec := imageio.Decoder{MaxPixels: maxPixels}
	var vecs [][]float32
	for _, p := range files {
		data, err := readLimited(p, maxImageBytes)
		if err != nil {
			return nil, err
		}
		img, _, err := dec.DecodeBytes(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		// The engine's own preprocessing: the digit rule, or a scene
		// engine's resize of the whole image.
		tensor, _, err := prep.Engine(e, nil, img)
		if errors.Is(err, prep.ErrNoInk) {
			return nil, fmt.Errorf("%s: no object found in the image", p)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		f, err := sess.Features(tensor)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		vecs = append(vecs, slices.Clone(f))
	}
	return vecs, nil
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return data, nil
}

// destination is the file an enrolment writes: out, else the engine file
// it read; an embedded engine has no file to write back to.
func destination(out, in string) (string, error) {
	if out != "" {
		return out, nil
	}
	if _, embedded := models.Embedded[in]; embedded {
		return "", fmt.Errorf("--engine %s is built into the binary: give --out FILE for the engine with the enrolled classes", in)
	}
	return in, nil
}

func radius(e *engine.Engine, idx int) string {
	if e.KNN.Open == nil || e.KNN.Open.Radius[idx] <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.4g", e.KNN.Open.Radius[idx])
}
