package liveview

import (
	"bytes"
	"encoding/json"
	"errors"
	"image"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
)

// A source's named regions: /v1/latest gives each one's state and box,
// and the stream's frame has each box outlined in its answer's colour.
func TestRegionBoxes(t *testing.T) {
	h := New()
	door, led := frameResult("cam", 7, "open"), frameResult("cam", 7, "red")
	door.Region, door.Box, door.Answer.Known = "door", image.Rect(40, 60, 200, 300), true
	led.Region, led.Box, led.Held = "led", image.Rect(500, 100, 600, 180), true
	off := frameResult("cam", 7, "")
	off.Region, off.Err = "off", prep.ErrOutside
	for _, r := range []pipeline.Result{door, led, off} {
		h.Publish(r)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1/latest")
	if err != nil {
		t.Fatal(err)
	}
	var rows []Row
	json.NewDecoder(resp.Body).Decode(&rows)
	resp.Body.Close()
	if len(rows) != 3 || rows[0].Region != "door" || rows[1].Region != "led" || rows[2].Region != "off" {
		t.Fatalf("latest %+v", rows)
	}
	if b := rows[0].Box; b == nil || *b != (Box{X: 40, Y: 60, W: 160, H: 240}) || rows[0].Label != "open" || rows[0].Held {
		t.Errorf("door %+v box %+v", rows[0], rows[0].Box)
	}
	if !rows[1].Held || rows[1].Box == nil || rows[2].Box != nil || rows[2].Error == "" {
		t.Errorf("led %+v, off %+v", rows[1], rows[2])
	}

	b, _, ok := h.frame("cam")
	if !ok {
		t.Fatal("no frame drawn")
	}
	m, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// 800x600 scaled to 640x480 below the 20-pixel banner: door's left
	// edge at x 32, rows 68..260; led's (unknown: amber) at x 400.
	at := func(x, y int) (r, g, b uint32) {
		r, g, b, _ = m.At(x, y).RGBA()
		return r >> 8, g >> 8, b >> 8
	}
	if r, g, b := at(31, 160); g < 180 || r > 160 || b > 160 {
		t.Errorf("door's edge is %d,%d,%d, want green", r, g, b)
	}
	if r, g, b := at(399, 130); r < 180 || g < 150 || b > 140 {
		t.Errorf("led's edge is %d,%d,%d, want amber", r, g, b)
	}
	if r, g, b := at(120, 160); r > 40 || g > 40 || b > 40 {
		t.Errorf("inside door's box is %d,%d,%d, want the black frame", r, g, b)
	}
	if text, ink := regionsBanner(door, []pipeline.Result{door, led, off}); ink != inkError || !bytes.Contains([]byte(text), []byte("off: ")) {
		t.Errorf("banner %q names no region outside the frame", text)
	}
	if _, err := Annotate(pipeline.Result{Err: errors.New("x")}); err == nil {
		t.Error("a result without a frame drawn")
	}
}
