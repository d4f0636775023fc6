package synth

import (
	"bufio"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/engine/imageio"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

// Regenerate the committed demo input with
//
//	go test ./calibration/synth -run TestDemo -synth.demo ../../models/demo
var demoDir = flag.String("synth.demo", "", "write the demo input into this folder first")

const demoRoot = "../../models/demo"

// TestDemo checks the demo folder: every indexed image decodes, the
// preprocessor finds a digit in it, the video parses, and the folder
// stays small.
func TestDemo(t *testing.T) {
	dir := demoRoot
	if *demoDir != "" {
		_, test := testDigits(t)
		if err := WriteDemo(*demoDir, test.Images, test.Labels, 2); err != nil {
			t.Fatal(err)
		}
		dir = *demoDir
	}
	f, err := os.Open(filepath.Join(dir, "index.tsv"))
	if os.IsNotExist(err) {
		t.Skipf("no demo input in %s", dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pre := preprocess.New()
	tensor := make([]float32, preprocess.Size*preprocess.Size)
	var images, imageBytes int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, label, ok := strings.Cut(sc.Text(), "\t")
		if l, err := strconv.Atoi(label); !ok || err != nil || l < 0 || l > 9 {
			t.Fatalf("index line %q", sc.Text())
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := imageio.Decoder{}.DecodeBytes(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		info, err := pre.Image(tensor, img)
		if err != nil || info.Empty {
			t.Fatalf("%s: %+v %v", name, info, err)
		}
		images++
		imageBytes += len(data)
	}
	if images < 24 || imageBytes > 600<<10 {
		t.Fatalf("%d images of %d bytes", images, imageBytes)
	}
	avi, err := os.ReadFile(filepath.Join(dir, "demo.avi"))
	if err != nil {
		t.Fatal(err)
	}
	top, err := parseRIFF(avi)
	if err != nil || len(top) != 1 || len(top[0].kids) != 3 || len(top[0].kids[1].kids) != videoDigits*videoEach {
		t.Fatalf("demo.avi: %v", err)
	}
	if len(avi) > 1536<<10 {
		t.Fatalf("demo.avi is %d bytes", len(avi))
	}
	t.Logf("%d images, %d bytes; demo.avi %d bytes", images, imageBytes, len(avi))
}
