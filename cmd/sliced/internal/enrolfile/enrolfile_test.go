package enrolfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/models"
)

// enrolled is the fixture engine with class "seven bis" added: three
// copies of a 7's features, nudged.
func enrolled(t *testing.T, seed uint64) *engine.Engine {
	t.Helper()
	e := fixture.Engine(models.B, seed)
	sess, err := e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var vecs [][]float32
	for _, dx := range []int{-2, 0, 2} {
		f, _ := sess.Features(fixture.Tensor(fixture.Digit(7, dx, 1)))
		vecs = append(vecs, append([]float32(nil), f...))
	}
	if _, err := e.KNN.Add("seven bis", vecs); err != nil {
		t.Fatal(err)
	}
	return e
}

func encode(t *testing.T, f *File) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Encode(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func digitNames() []string {
	return []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
}

func TestExportImportRoundTrip(t *testing.T) {
	src := enrolled(t, 1)
	f, err := Export(src, digitNames())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Classes) != 1 || f.Classes[0].Name != "seven bis" || len(f.Classes[0].Examples) != 3 {
		t.Fatalf("exported %+v", f.Classes)
	}
	back, err := Decode(encode(t, f))
	if err != nil {
		t.Fatal(err)
	}
	dst := fixture.Engine(models.B, 1)
	names, err := Apply(dst, back)
	if err != nil || len(names) != 1 {
		t.Fatalf("Apply: %v %v", names, err)
	}
	// The importing engine now holds the same prototypes and answers alike.
	a, _ := src.NewSession()
	b, _ := dst.NewSession()
	for d := 0; d < 10; d++ {
		in := fixture.Tensor(fixture.Digit(d, 1, -1))
		pa, _ := a.Classify(in)
		pb, _ := b.Classify(in)
		if pa.Class != pb.Class || pa.Score != pb.Score {
			t.Fatalf("digit %d: %s %v where enrolled, %s %v imported", d, pa.Class, pa.Score, pb.Class, pb.Score)
		}
	}
	// A second import of the same classes is refused as a whole.
	_, err = Apply(dst, back)
	var ex *ExistsError
	if !errors.As(err, &ex) || !strings.Contains(err.Error(), `"seven bis"`) {
		t.Fatalf("second import: %v", err)
	}
}

func TestRadiusTravels(t *testing.T) {
	e := enrolled(t, 1)
	e.KNN.Open = &knn.Calibration{Quantile: 0.99, Radius: make([]float32, len(e.KNN.Classes)), Other: -1}
	for i := range e.KNN.Open.Radius {
		e.KNN.Open.Radius[i] = 3
	}
	e.KNN.Open.Radius[10] = 7.5
	f, err := Export(e, digitNames())
	if err != nil || !f.Open || f.Classes[0].Radius != 7.5 {
		t.Fatalf("export: %+v %v", f, err)
	}
	dst := fixture.Engine(models.B, 1)
	dst.KNN.Open = &knn.Calibration{Quantile: 0.99, Radius: []float32{3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, Other: -1}
	if _, err := Apply(dst, f); err != nil {
		t.Fatal(err)
	}
	if r := dst.KNN.Open.Radius[10]; r != 7.5 {
		t.Fatalf("imported radius %v, want the exported 7.5", r)
	}
}

func TestOtherEngineRefused(t *testing.T) {
	f, _ := Export(enrolled(t, 1), digitNames())
	var mm *MismatchError
	_, err := Apply(fixture.Engine(models.B, 2), f)
	if !errors.As(err, &mm) || mm.What != "conv stack" {
		t.Fatalf("other weights: %v", err)
	}
	withProj := fixture.Engine(models.B, 1)
	withProj.Proj = &engine.Projection{In: withProj.KNN.Dim, Out: withProj.KNN.Dim, W: make([]float32, withProj.KNN.Dim*withProj.KNN.Dim)}
	_, err = Apply(withProj, f)
	if !errors.As(err, &mm) || mm.What != "projection" || !strings.Contains(err.Error(), "none") {
		t.Fatalf("a projection: %v", err)
	}
	if _, err := Apply(fixture.FullCNN(models.B, 1), f); !errors.Is(err, ErrNotSliced) {
		t.Fatalf("full CNN: %v", err)
	}
}

func TestDecodeRejects(t *testing.T) {
	good := encode(t, must(Export(enrolled(t, 1), digitNames())))
	if _, err := Decode(good); err != nil {
		t.Fatal(err)
	}
	// Every truncation is a clear error, never a panic.
	for n := 0; n < len(good); n++ {
		_, err := Decode(good[:n])
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("truncated to %d bytes: %v", n, err)
		}
	}
	if _, err := Decode(good[:200]); !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("truncated: %v", err)
	}
	flip := bytes.Clone(good)
	flip[len(flip)/2] ^= 0x40
	if _, err := Decode(flip); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("flipped bit: %v", err)
	}
	if _, err := Decode([]byte("PK\x03\x04 not ours")); err == nil || !strings.Contains(err.Error(), "not an enrolment file") {
		t.Fatalf("foreign: %v", err)
	}
	for _, c := range []struct{ name, want string }{
		{strings.Repeat("x", 65), "1-64"},
		{"a/b", "1-64"},
		{"unknown", "reserved"},
	} {
		_, err := Decode(withName(good, c.name))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("name %q: %v, want %q", c.name, err, c.want)
		}
	}
}

func TestEncodeRefusesBadNames(t *testing.T) {
	f := must(Export(enrolled(t, 1), digitNames()))
	f.Classes[0].Name = strings.Repeat("n", 80)
	if err := Encode(&bytes.Buffer{}, f); err == nil {
		t.Fatal("a 80-character name was written")
	}
}

// withName rewrites the first class's name of a valid file and fixes the
// checksum, so only the name is wrong.
func withName(good []byte, name string) []byte {
	old := int(binary.LittleEndian.Uint16(good[headerLen:]))
	var b bytes.Buffer
	b.Write(good[:headerLen])
	binary.Write(&b, binary.LittleEndian, uint16(len(name)))
	b.WriteString(name)
	b.Write(good[headerLen+2+old : len(good)-4])
	binary.Write(&b, binary.LittleEndian, crc32.Checksum(b.Bytes(), castagnoli))
	return b.Bytes()
}

func must(f *File, err error) *File {
	if err != nil {
		panic(err)
	}
	return f
}
