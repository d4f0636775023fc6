// Package serve is `sliced serve`, the long-running daemon: it loads the
// engine and the configured backends, runs one pipeline per frame source,
// and serves the HTTP API, the metrics and the live view on one listener.
//
// Quick start (pure-Go build, the embedded engine, an image folder):
//
//	sliced serve --state-dir ./state --source demo=dir:models/demo,fps=5
//	# sliced serve: live view at http://127.0.0.1:8080/
//	curl --data-binary @digit.png http://127.0.0.1:8080/v1/classify
//
// Cameras (V4L2, MJPEG or YUYV) and MJPEG .avi video files work in every
// build: without OpenCV they are read in pure Go (device/v4l2, device/avi),
// which keeps the static arm64 binary small. An .avi file is read in pure
// Go in the OpenCV build too (same frame rate, a third of the memory);
// only an .avi that is not MJPEG, other containers (.mp4, .mkv) and
// GStreamer pipelines need the build with OpenCV (go build -tags gocv
// ./cmd/sliced; Debian 12: apt-get install libopencv-dev), which also
// reads cameras through OpenCV:
//
//	sliced serve --source cam=device:/dev/video0,width=640,height=480
//	sliced serve --source clip=video:models/demo/demo.avi,loop=true
//	sliced serve --source "csi=gstreamer:nvarguscamerasrc ! video/x-raw(memory:NVMM),width=640,height=480 ! nvvidconv ! video/x-raw,format=BGRx ! videoconvert ! video/x-raw,format=BGR ! appsink"
//
// A video file plays as fast as it decodes unless fps is set (its own rate
// is not applied); with loop it starts again at the end, else it ends and,
// like every source, is reopened with backoff. A looping .avi checks at
// the end of each pass that its path still names the same file, so a
// removed or replaced file takes the source down until it is back (then
// the new file plays); one replaced by a non-MJPEG .avi fails to open in
// the pure build with "video stream is not MJPEG" (ffmpeg -i in.mp4 -c:v
// mjpeg out.avi converts one). A corrupt or oversized frame is skipped and
// counted in sliced_pipeline_errors_total{kind="frame"}.
//
// A build without OpenCV starts anyway when given a GStreamer source or a
// video file other than an MJPEG .avi, logs that it needs the gocv build
// (package source says which kinds a build reads), and reports not ready. The OpenCV build costs memory: its libraries bring
// the resident size from about 30 MB to 95-130 MB.
//
// A source's regions (config.Source.Regions, or its one roi) are its
// pipeline's regions: each frame is decoded once and each region cut from
// it, classified and smoothed on its own. Whether the sources can feed the
// engine (regions need an engine in roi mode; an RGB engine needs a source
// that keeps colour) is checked with the engine at start, by --check and
// on reload.
//
// Configuration is one YAML file (--config, see package config); every key
// has a flag, and `sliced serve --check` validates file, flags and engine
// without starting. The HTTP routes are listed in package api, the metrics
// in package metrics.
//
// Lifecycle: READY=1 goes to systemd once the engine is loaded and the API
// listens; WATCHDOG=1 is sent at half of $WATCHDOG_USEC only while the
// pipelines make progress (or no source of frames is configured); SIGHUP
// re-reads the configuration and the engine, and a bad new engine or
// configuration leaves the old one serving (logged, and counted in
// sliced_engine_reloads_total{result="error"}); SIGTERM sends STOPPING=1
// and drains in-flight requests within timeouts.shutdown. The listen
// address is the one setting a reload cannot change.
//
// Sources are retried with capped exponential backoff (0.1 s to 30 s) and
// reopened after watchdog seconds without a frame; the daemon never exits
// because a source went away. When inference is slower than a live source
// the newest frame wins and sliced_pipeline_dropped_frames_total counts the
// rest; files read without an fps wait for the worker instead.
//
// Board I/O (gpio: and power: in the configuration) is opened once at start.
// A GPIO trigger gates its sources: they keep streaming, so the watchdog
// and readiness see every frame, but only the first frame captured at or
// after each debounced edge is classified (sliced_gpio_gated_frames_total
// counts the others; they also count as progress for systemd's watchdog).
// GPIO outputs follow every labelled pipeline result. The power meter
// samples its sensor in its own goroutine, registers sliced_power_watts and
// sliced_power_energy_joules_total, and every 10 s sets
// sliced_power_inference_joules to the energy of that window over the
// pipeline results in it. A board without the pins, bus or chip gives a
// warning ("gpio: hardware absent ...", "power: sensor absent ..."),
// sliced_hardware_available{feature} 0, and the daemon runs on without the
// feature: a gated source then classifies every frame.
//
// A corrupt camera frame (device/v4l2's ErrBadFrame) is skipped and counted
// in sliced_pipeline_errors_total{kind="frame"}; the camera is not reopened.
//
// The bearer token of mutating endpoints is read from token_file, else
// from $CREDENTIALS_DIRECTORY/token (systemd's LoadCredential=token:...).
// Without a token, enrolment and uploads answer 403.
//
// The served engine is the state directory's engine.slc when enrolment has
// written one, else the configured engine file, else the embedded default.
// Its engine version (package store) is the version label of
// sliced_engine_info, set again on every change.
package serve
