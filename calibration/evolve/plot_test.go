package evolve

import (
	"bytes"
	"strings"
	"testing"
)

func TestPlotLog(t *testing.T) {
	log := logHeader + "\n" +
		"0,0,1,1,10,0.9000,0.8000,1.10000,0.1000,1.0\n" +
		"0,0,1,2,20,0.9100,0.8500,1.11000,0.1000,2.0\n" +
		logHeader + "\n" + // a resumed run appends a second header
		"1,0,1,1,20,0.9300,0.9000,1.15000,0.9200,3.0\n"
	var png bytes.Buffer
	if err := PlotLog(strings.NewReader(log), &png); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png.Bytes(), []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("output is not a PNG (%d bytes)", png.Len())
	}
	if err := PlotLog(strings.NewReader(logHeader+"\n"), &png); err == nil {
		t.Error("a log without generations was accepted")
	}
	if err := PlotLog(strings.NewReader("0,0,1,x,10,0.9,0.8,1.1,0.1,1\n"), &png); err == nil {
		t.Error("a malformed row was accepted")
	}
}
