// Package source is where frames come from, one file per kind: dir.go (an
// image folder, once or looping), video.go (an MJPEG AVI file read in pure
// Go through device/avi), rtsp.go (an MJPEG RTSP stream), upload.go (frames
// posted over HTTP), v4l2.go (a V4L2 device in pure Go, Linux) and, built
// with the gocv tag, gocv.go (OpenCV through device/camera: devices,
// GStreamer pipelines and the videos video.go does not read).
//
// Each kind's file registers its reader (Register, from init), and Open
// makes the source a config.Source names; a kind this build lacks is an
// error that says what reads it and that the gocv tag is missing. Sources
// that pace to the configured fps (dir and video) share one Pacer.
//
// Frames are gray or colour as the source decodes them: the MJPEG readers
// (video, rtsp) keep the decoder's *image.YCbCr, whose Y plane a gray
// engine reads without conversion, and the cameras, whose colour costs a
// conversion, are Colorers that give colour only while asked.
//
// A Source is opened, read with Next until it fails or ends, and closed.
// Runner keeps one source alive for the daemon: it retries a failed or
// ended source with capped exponential backoff, reopens one that stayed
// silent longer than its watchdog, and reports up/down, reconnects and
// frames to its Observer. The daemon never exits because a source went
// away.
package source
