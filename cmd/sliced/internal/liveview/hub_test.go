package liveview

import (
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/jpeg"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
)

func frameResult(src string, seq uint64, class string) pipeline.Result {
	return pipeline.Result{
		Source: src,
		Frame:  source.Frame{Image: image.NewGray(image.Rect(0, 0, 800, 600)), Time: time.Unix(int64(seq), 0), Seq: seq},
		Answer: pipeline.Answer{Result: backend.Result{Class: class, Score: 0.9}, Backend: backend.Info{Name: "sliced"}},
		Total:  1500 * time.Microsecond,
	}
}

func TestRecentRing(t *testing.T) {
	h := New()
	h.Keep = 3
	for i := 1; i <= 5; i++ {
		h.Publish(frameResult("cam", uint64(i), "7"))
	}
	h.Publish(pipeline.Result{Source: "cam", Frame: source.Frame{Seq: 6}, Err: errors.New("no object")})
	rows := h.Recent()
	if len(rows) != 3 || rows[0].Seq != 6 || rows[0].Error == "" || rows[2].Seq != 4 {
		t.Fatalf("rows %+v, want 6, 5, 4", rows)
	}
}

func TestStreamAndPage(t *testing.T) {
	h := New()
	h.MaxFPS = 50
	h.Publish(frameResult("cam", 1, "4"))
	srv := httptest.NewServer(h)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/stream.mjpg?source=cam", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	mt, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != "multipart/x-mixed-replace" {
		t.Fatalf("content type %q", mt)
	}
	mr := multipart.NewReader(resp.Body, params["boundary"])
	for seq := uint64(1); seq <= 2; seq++ {
		part, err := mr.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		m, err := jpeg.Decode(part)
		if err != nil {
			t.Fatalf("frame %d: %v", seq, err)
		}
		// Scaled to 640 wide plus the 20-pixel banner.
		if b := m.Bounds(); b.Dx() != 640 || b.Dy() != 480+20 {
			t.Fatalf("frame %d is %v", seq, b)
		}
		h.Publish(frameResult("cam", 2, "5"))
	}
	cancel()

	page, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := page.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	page.Body.Close()
	if !strings.Contains(sb.String(), `/stream.mjpg?source=cam`) {
		t.Fatal("the page does not show the cam stream")
	}
	rec, _ := http.Get(srv.URL + "/v1/recent")
	var rows []Row
	json.NewDecoder(rec.Body).Decode(&rows)
	rec.Body.Close()
	if len(rows) != 3 || rows[2].Label != "4" || rows[0].Label != "5" || rows[0].LatencyUS != 1500 {
		t.Fatalf("recent %+v", rows)
	}
}

// A client of /v1/recent reads the field names of every result: label the
// class name, index its number, latency_us.
func TestRecentJSON(t *testing.T) {
	h := New()
	r := frameResult("cam", 1, "4")
	r.Answer.Label, r.Answer.Known = 4, true
	r.Answer.Neighbors = []backend.Neighbor{{Class: "4", Dist: 0.5}}
	h.Publish(r)
	h.Publish(pipeline.Result{Source: "cam", Frame: source.Frame{Seq: 2}, Err: errors.New("no object"), Total: time.Millisecond})
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1/recent")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rows []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&rows); err != nil || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%v, %q", err, resp.Header.Get("Content-Type"))
	}
	bad, good := rows[0], rows[1]
	nb, _ := good["neighbors"].([]any)
	if good["label"] != "4" || good["index"] != 4.0 || good["known"] != true || good["latency_us"] != 1500.0 || len(nb) != 1 ||
		nb[0].(map[string]any)["label"] != "4" || nb[0].(map[string]any)["distance"] != 0.5 {
		t.Fatalf("row %v", good)
	}
	if bad["error"] != "no object" || bad["label"] != "" || bad["index"] != -1.0 || bad["latency_us"] != 1000.0 {
		t.Fatalf("error row %v", bad)
	}
	for _, old := range []string{"class", "latency_ms"} {
		if _, ok := good[old]; ok {
			t.Errorf("a row has %q", old)
		}
	}
	if resp, err := http.Get(srv.URL + "/nope"); err != nil || resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /nope: %v %v", resp, err)
	}
}

// LatestFrame is the newest frame of any of the source's regions.
func TestLatestFrame(t *testing.T) {
	h := New()
	if _, ok := h.LatestFrame("cam"); ok {
		t.Fatal("a frame before any result")
	}
	old, cur := frameResult("cam", 1, "a"), frameResult("cam", 2, "b")
	old.Region, cur.Region = "door", "led"
	h.Publish(cur)
	h.Publish(old) // a region's slower result of an older frame
	if m, ok := h.LatestFrame("cam"); !ok || m != cur.Frame.Image {
		t.Fatalf("latest frame %v %v, want frame 2's", ok, m)
	}
	if _, ok := h.LatestFrame("other"); ok {
		t.Fatal("a frame of a source that published nothing")
	}
}
