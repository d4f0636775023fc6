//go:build gocv

// Command gocvsmoke checks a GoCV build end to end without a camera: it draws a
// synthetic frame, runs the OpenCV calls the camera source relies on (blur,
// threshold, moments, resize, PNG encode and decode) and prints the results as
// one line. The cross-build scripts build it for arm64 against the sysroot's
// OpenCV and compare its output under qemu-aarch64 with the amd64 build.
//
// It needs the build tag gocv and OpenCV 4.6 (pkg-config opencv4):
//
//	go build -tags gocv ./cross/internal/gocvsmoke
package main
