// Package source is where frames come from: an image folder (once or
// looping), an MJPEG AVI file read in pure Go (Video, through device/avi:
// once or looping, decoded straight to grey), frames uploaded over HTTP,
// and, built with the gocv tag, other video files, V4L2 devices and
// GStreamer pipelines (device/camera).
//
// A Source is opened, read with Next until it fails or ends, and closed.
// Runner keeps one source alive for the daemon: it retries a failed or
// ended source with capped exponential backoff, reopens one that stayed
// silent longer than its watchdog, and reports up/down, reconnects and
// frames to its Observer. The daemon never exits because a source went
// away.
package source
