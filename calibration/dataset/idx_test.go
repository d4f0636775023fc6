package dataset

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

func idxBytes(t *testing.T, dims []int, data []byte) []byte {
	var b bytes.Buffer
	if err := WriteIDX(&b, dims, data); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadIDXPlainAndGzip(t *testing.T) {
	raw := idxBytes(t, []int{2, 2, 3}, []byte{0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255})
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(raw)
	w.Close()
	for name, in := range map[string][]byte{"plain": raw, "gzip": gz.Bytes()} {
		x, err := ReadIDX(bytes.NewReader(in))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(x.Dims) != 3 || x.Dims[0] != 2 || x.Dims[1] != 2 || x.Dims[2] != 3 {
			t.Errorf("%s: dims %v", name, x.Dims)
		}
		if x.Data[0] != 0 || x.Data[11] != 255 || len(x.Data) != 12 {
			t.Errorf("%s: data %v", name, x.Data)
		}
	}
}

func TestReadIDXRejects(t *testing.T) {
	good := idxBytes(t, []int{3}, []byte{1, 2, 3})
	huge := []byte{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1}
	cases := map[string]struct {
		in   []byte
		want string
	}{
		"empty":      {nil, "truncated"},
		"truncated":  {good[:len(good)-1], "truncated"},
		"bad magic":  {append([]byte{1, 2}, good[2:]...), "bad magic"},
		"float type": {append([]byte{0, 0, 0x0d}, good[3:]...), "element type"},
		"no dims":    {[]byte{0, 0, 8, 0}, "dimensions"},
		"zero dim":   {[]byte{0, 0, 8, 1, 0, 0, 0, 0}, "zero"},
		"huge":       {huge, "claim more"},
	}
	for name, c := range cases {
		_, err := ReadIDX(bytes.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, c.want)
		}
	}
}

func TestFromIDX(t *testing.T) {
	im := &IDX{Dims: []int{2, 1, 2}, Data: []byte{0, 255, 51, 102}}
	lb := &IDX{Dims: []int{2}, Data: []byte{3, 1}}
	s, err := FromIDX(im, lb)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0, 1, 0.2, 0.4}
	for i, v := range want {
		if d := s.Images[i] - v; d > 1e-6 || d < -1e-6 {
			t.Errorf("pixel %d = %v, want %v", i, s.Images[i], v)
		}
	}
	if s.Shape.C != 1 || s.Shape.H != 1 || s.Shape.W != 2 || len(s.Classes) != 4 || s.Labels[0] != 3 {
		t.Errorf("set %+v", s)
	}
	if _, err := FromIDX(im, &IDX{Dims: []int{3}, Data: []byte{1, 2, 3}}); err == nil {
		t.Error("3 labels for 2 images accepted")
	}
	if _, err := FromIDX(&IDX{Dims: []int{4}, Data: []byte{1, 2, 3, 4}}, lb); err == nil {
		t.Error("1-D image file accepted")
	}
}
