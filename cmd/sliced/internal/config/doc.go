// Package config is the daemon's settings: one YAML file (strict: an
// unknown key is an error that names it) whose every key can be overridden
// by a command-line flag, validated once at start and on every reload.
//
// Example:
//
//	listen: 127.0.0.1:8080
//	grpc_listen: 127.0.0.1:8001           # KServe v2 gRPC; empty (the default): none
//	engine: /usr/share/sliced/mnist.slc   # empty: the embedded default
//	state_dir: /var/lib/sliced            # enrolments are saved here
//	token_file: /etc/sliced/token         # or $CREDENTIALS_DIRECTORY/token
//	model_dir: /var/lib/sliced/models     # engine files NAME.slc the v2 repository API loads
//	log: {format: text, level: info}
//	backend: sliced                       # the primary backend
//	backends:                             # more backends to load
//	  - {name: fullcnn, model: /usr/share/sliced/full.slc}
//	compare: {backend: fullcnn, every: 10}
//	sources:
//	  - {name: cam0, kind: device, path: /dev/video0, watchdog: 5s}
//	  - {name: demo, kind: dir, path: /usr/share/sliced/demo, loop: true, fps: 30}
//	  - name: shed                        # named regions for an engine in roi mode
//	    kind: dir
//	    path: /srv/shed
//	    smooth: 3                         # equal answers in a row before a state changes
//	    regions:
//	      - {name: door, roi: "0.1:0.2:0.3:0.4"}
//	      - {name: led, roi: {x: 500, y: 20, w: 40, h: 40}, smooth: 1}
//	limits: {body_bytes: 4194304, image_pixels: 16777216}
//	timeouts: {read: 30s, write: 30s, idle: 120s, shutdown: 10s}
//	candidates: {keep: 50, below: 0.5}    # unsure frames kept for enrolment; keep 0: none
//	gpio:                                 # device/gpio; read at start only
//	  trigger: {pin: GPIO17, edge: falling, debounce: 50ms, sources: [cam0]}
//	  outputs: [{pin: GPIO27, class: "7", mode: level}]
//	power: {sensor: ina3221, bus: "6", address: 0x40, channel: 1, shunt_ohms: 0.005}
//	mqtt:                                 # package events; read at start only
//	  broker: ssl://broker.lan:8883
//	  username: sliced
//	  password_credential: mqtt           # or password, password_file
//	  ca_file: /etc/sliced/mqtt-ca.pem
//	  debounce: 3                         # frames in a row before a state changes
//	  queue: 10000                        # events kept while the broker is away
//
// The mqtt: keys are flags named --mqtt-KEY with '-' for '_' (--mqtt-broker,
// --mqtt-password-credential, --mqtt-reconnect-min, ...).
//
// The gpio: and power: sections are device/gpio's and device/power's Config
// and are checked by their Validate. Their flags: --gpio-trigger PIN,
// --gpio-trigger-edge, --gpio-trigger-debounce, --gpio-output
// PIN=CLASS[,mode=pulse][,hold=D][,min_score=S][,active_low=true]
// (repeatable; replaces the file's outputs), --power-sensor, --power-bus,
// --power-address, --power-channel, --power-shunt-ohms, --power-interval.
//
// Source kinds (Kinds; package source reads them): dir (an image folder),
// video (an MJPEG .avi file in every build; other videos with -tags gocv),
// device (a V4L2 device path or index: pure Go on Linux, or GoCV with -tags
// gocv), gstreamer (a pipeline string, -tags gocv only), rtsp (an
// rtsp:// URL of an MJPEG camera in every build, pure Go; for H.264 use
// kind video with the URL and -tags gocv) and upload (frames POSTed to
// /v1/sources/{name}/frames). On the command line
// --source [NAME=]KIND:PATH[,fps=N][,watchdog=D][,loop=BOOL][,width=W,height=H][,roi=X:Y:W:H][,smooth=N]
// (repeatable; named regions are YAML only) replaces the file's list, e.g.
//
//	sliced serve --source cam=device:/dev/video0,fps=30 --source demo=dir:/usr/share/sliced/demo
package config
