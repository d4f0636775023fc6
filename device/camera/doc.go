// Package camera reads frames with OpenCV's VideoCapture through GoCV:
// V4L2 devices (/dev/video0 or an index), video files, and GStreamer
// pipelines (nvarguscamerasrc on a Jetson, libcamerasrc on a Pi).
//
// Everything but this file is built only with the gocv build tag, because
// it needs OpenCV's headers and libraries (Debian 12 and Raspberry Pi OS:
// apt-get install libopencv-dev, OpenCV 4.6, with gocv.io/x/gocv v0.32.0).
// The pure-Go daemon builds without it and says at run time that a camera
// source needs a gocv build.
//
// A Capture owns its VideoCapture on one reader goroutine: OpenCV's read
// can block for seconds on a disconnected camera, so Next waits on a
// channel with the caller's context, and Close leaves a stuck read to
// finish and release the device on its own.
package camera
