package serve

import (
	"errors"
	"path/filepath"
	"strings"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
	"github.com/sliced-ai/sliced/device/avi"
)

// openCVVideo is set by the gocv build, whose OpenCV reads every container.
var openCVVideo = false

// openVideo makes a "video" source. An .avi file is read in pure Go
// (source.Video) in every build: it decodes MJPEG straight to grey at the
// same rate as OpenCV and without OpenCV's memory. Only when the gocv
// build finds an .avi that is not MJPEG (an H.264 AVI) does OpenCV read
// it; other containers go to openCapture (OpenCV, or a clear refusal).
func openVideo(c config.Source, maxPixels int64) (source.Source, error) {
	if !strings.EqualFold(filepath.Ext(c.Path), ".avi") {
		return openCapture(c)
	}
	if openCVVideo {
		f, err := avi.Open(c.Path)
		if err == nil {
			f.Close()
		}
		if errors.Is(err, avi.ErrNotMJPEG) {
			return openCapture(c)
		}
	}
	return &source.Video{Path: c.Path, Loop: c.Loop, FPS: c.FPS, MaxPixels: maxPixels}, nil
}
