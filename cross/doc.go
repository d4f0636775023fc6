// Package cross holds the scripts that build sliced for the boards and check
// the builds under emulation. It has no Go API.
//
//	cross/build.sh [pure|gocv|all]   # make cross
//	cross/sysroot.sh                 # arm64 OpenCV 4.6 sysroot (called by build.sh)
//	cross/qemu-smoke.sh [IMAGE_DIR]  # run the arm builds under qemu, compare labels with amd64
//	cross/deb/build.sh               # make deb
//
// Outputs, in dist/:
//
//	linux-arm64/sliced       static, pure Go (CGO_ENABLED=0). Runs on Raspberry Pi OS
//	                         64-bit and on the Jetson Nano (JetPack 4.6, Ubuntu 18.04,
//	                         glibc 2.27): a static binary does not use the board's C
//	                         library. Cameras through V4L2 in pure Go (device/v4l2),
//	                         image folders, uploads; GPIO and power through periph.io.
//	linux-armv7/sliced       the same for 32-bit Raspberry Pi OS (GOARM=7).
//	linux-arm64-gocv/sliced  cgo build with GoCV (camera capture through OpenCV, video
//	                         files, GStreamer pipelines) against Debian 12's OpenCV 4.6.
//	                         Runs on Raspberry Pi OS bookworm 64-bit with OpenCV's
//	                         runtime libraries: apt install libopencv-highgui406
//	                         libopencv-videoio406 libopencv-video406
//	                         libopencv-objdetect406 libopencv-calib3d406
//	                         libopencv-imgcodecs406 libopencv-features2d406
//	                         libopencv-dnn406 libopencv-photo406 libopencv-imgproc406
//	                         libopencv-core406 (the binary's NEEDED list). Not on the Jetson
//	                         Nano: its glibc (2.27) is older than the 2.36 the build
//	                         links against, and JetPack ships OpenCV 4.1.1 while GoCV
//	                         v0.32.0 needs 4.6.
//
// The cgo build does not install arm64 packages on the build machine: on
// Debian 12, installing libopencv-dev:arm64 through multiarch removes the
// amd64 OpenCV (libgdal, armadillo and others clash). sysroot.sh instead
// downloads the arm64 closure of libopencv-dev (apt-get download, about 430
// packages, 250 MB) and extracts it with dpkg-deb into .cache/sysroot-arm64,
// merges /lib into /usr/lib as a booted system would, points the BLAS/LAPACK
// alternatives at the reference libraries, and leaves the C runtime to the
// cross toolchain (gcc-aarch64-linux-gnu). build.sh then points pkg-config
// into the sysroot (PKG_CONFIG_SYSROOT_DIR, PKG_CONFIG_LIBDIR) and lets the
// linker resolve OpenCV's own dependencies there (-Wl,-rpath-link).
//
// Under qemu-aarch64, cgo binaries run with -L to the sysroot; -L
// /usr/aarch64-linux-gnu (the cross toolchain's libc) made them hang. ONNX
// Runtime's arm64 library crashes in dlopen under qemu: that backend needs a
// real board.
//
// Build-machine packages (Debian 12): gcc-aarch64-linux-gnu
// g++-aarch64-linux-gnu pkg-config qemu-user, and libopencv-dev for the amd64
// half of the gocvsmoke comparison.
package cross
