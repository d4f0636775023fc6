# sliced: build, run and test. `make run` and `make test` install what they
# need on a fresh Debian 12 machine (apt packages, Go modules, the ONNX
# Runtime and OpenVINO libraries used by the tests) and are safe to re-run.

SHELL      := /bin/bash
GO         ?= go
TOOLS      := $(CURDIR)/.tools
BIN        := $(CURDIR)/bin
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS    := -s -w -X main.version=$(VERSION)
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ORT_VERSION      := 1.30.0
OPENVINO_VERSION := 2024.6.0
# Triton's Python client for the KServe v2 conformance test, with its
# dependencies pinned in the file named here.
TRITONCLIENT_VERSION := 2.73.0
TRITONCLIENT_PINS    := cmd/sliced/internal/api/testdata/tritonclient-requirements.txt
# Tools that may come from elsewhere (a newer Node.js, pyenv) are checked by
# command, libraries by package.
APT_TOOLS    := npm:npm python3:python3 pip3:python3-pip git:git
APT_PACKAGES := build-essential pkg-config ca-certificates \
	libopencv-dev qemu-user prometheus gcc-aarch64-linux-gnu g++-aarch64-linux-gnu dpkg-dev systemd \
	mosquitto mosquitto-clients ffmpeg libb64-0d

# The native runtimes the tests and benchmarks load with dlopen.
export ONNXRUNTIME_LIB ?= $(TOOLS)/onnxruntime-node/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1
export OPENVINO_LIB    ?= $(TOOLS)/openvino-$(OPENVINO_VERSION)/openvino/libs/libopenvino_c.so.2460
export TRITONCLIENT_PATH ?= $(TOOLS)/tritonclient-$(TRITONCLIENT_VERSION)
# Triton's perf_analyzer: the binary that tritonclient's wheels carried up
# to 2.4x (the perf-analyzer package's own wheels need glibc 2.38, newer
# than Debian 12's), with the CUDA runtime library it links from PyPI
# (no GPU is needed for HTTP and gRPC) and libb64 from Debian.
PERF_ANALYZER_FROM := 2.41.0
CUDART_VERSION     := 12.3.101
export PERF_ANALYZER_PATH ?= $(TOOLS)/perf_analyzer-$(PERF_ANALYZER_FROM)
# Real photographs for the scene engine and its tests: the sample images
# that scikit-image's wheel carries (skimage/data), taken out of the wheel.
SKIMAGE_VERSION := 0.24.0
export SLICED_PHOTOS ?= $(TOOLS)/photos-skimage-$(SKIMAGE_VERSION)

.PHONY: all build run test test-bins test-go test-tags test-race test-arm64 fuzz-smoke lint deps deps-apt deps-go deps-runtimes deps-photos deps-perf-analyzer bench soak engine engine-scene report cross cross-pure cross-smoke deb clean

all: build

## build: the daemon and the calibration tool for this machine (pure Go)
build: deps-go
	mkdir -p $(BIN)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/sliced ./cmd/sliced
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/slicecal ./cmd/slicecal

LISTEN ?= 127.0.0.1:8080

## run: the daemon on the embedded default engine and the bundled demo frames
run: build
	@mkdir -p .run/state && [ -s .run/token ] || head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > .run/token
	@echo "API token for enrolment: $$(cat .run/token)   (Ctrl-C stops the daemon)"
	$(BIN)/sliced serve --listen $(LISTEN) --state-dir .run/state --token-file .run/token \
		--source demo=dir:models/demo,fps=5,loop=true

## test: everything CI runs
test: deps lint test-go test-tags test-race test-arm64 fuzz-smoke cross-smoke deb

lint: deps-go
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	CGO_ENABLED=0 $(GO) build ./...

# The daemon binaries the tests run, built once for the whole test run
# (cmd/sliced/testbin): this machine's, and the static arm64 one that
# cross-pure writes.
TEST_BIN       := $(BIN)/test/sliced
TEST_ARM64_BIN := $(CURDIR)/dist/linux-arm64/sliced

test-bins: deps-go cross-pure
	mkdir -p $(dir $(TEST_BIN))
	$(GO) build -o $(TEST_BIN) ./cmd/sliced

# What the tests must find and run instead of skipping (cmd/sliced/testbin/needs):
# `make test` installs all of it; `make test SLICED_REQUIRE=` lets the
# checks that need it skip.
SLICED_REQUIRE ?= promtool,onnxruntime,openvino,tritonclient,mosquitto,ffmpeg,photos,perf_analyzer

test-go: test-bins deps-runtimes
	SLICED_REQUIRE=$(SLICED_REQUIRE) SLICED_TEST_BIN=$(TEST_BIN) SLICED_TEST_ARM64_BIN=$(TEST_ARM64_BIN) $(GO) test -count=1 -timeout 20m ./...

## test-tags: the GoCV build (Debian 12's OpenCV 4.6) and its tests
test-tags: test-bins
	$(GO) build -tags gocv ./...
	SLICED_REQUIRE=$(SLICED_REQUIRE) SLICED_TEST_BIN=$(TEST_BIN) $(GO) test -count=1 -tags gocv ./device/camera/... ./cmd/sliced/internal/serve/...

## test-race: the daemon's packages under the race detector (about a minute; three with an empty build cache)
# Their end-to-end tests build the daemon with it too. TestEnrolThroughTheAPI
# (40 s of rendering and recognition under it) and TestPerfAnalyzer (an
# outside binary's load on a daemon built without it) run in test-go only.
test-race: deps-go deps-runtimes
	SLICED_REQUIRE=$(SLICED_REQUIRE) $(GO) test -race -count=1 -timeout 20m -skip '^(TestEnrolThroughTheAPI|TestPerfAnalyzer)$$' ./cmd/sliced/internal/...

## test-arm64: the whole tree cross-compiles without cgo for arm64 and armv7 (cross-pure builds it)
test-arm64: cross-pure

## fuzz-smoke: each fuzz target for a few seconds (the long runs are manual)
# A count, not a duration: a duration's deadline can fail a run with "context
# deadline exceeded" on a loaded machine (golang/go#75804).
FUZZ_EXECS ?= 100000x
fuzz-smoke: deps-go
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZ_EXECS) ./engine
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZ_EXECS) ./engine/imageio
	$(GO) test -run '^$$' -fuzz '^FuzzFromGray$$' -fuzztime $(FUZZ_EXECS) ./engine/preprocess
	$(GO) test -run '^$$' -fuzz '^FuzzReader$$' -fuzztime $(FUZZ_EXECS) ./device/avi

deps: deps-apt deps-go deps-runtimes

deps-apt:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	for t in $(APT_TOOLS); do command -v $${t%%:*} >/dev/null || missing="$$missing $${t#*:}"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; $(SUDO) apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; fi

# Debian 12's own Go (1.19) is too old; its backports carry Go 1.23, which
# fetches the Go release that go.mod names from the Go module proxy.
deps-go:
	@if ! $(GO) version 2>/dev/null | grep -Eq 'go1\.(2[1-9]|[3-9][0-9])'; then \
		echo "installing Go 1.23 from bookworm-backports (it fetches the toolchain go.mod asks for)"; \
		mirror=$$(grep -hoE 'https?://[^ ]+/debian/?( |$$)' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | head -1 | tr -d ' '); \
		echo "deb $${mirror%/} bookworm-backports main" | $(SUDO) tee /etc/apt/sources.list.d/sliced-backports.list >/dev/null; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq -t bookworm-backports golang-1.23-go && \
		$(SUDO) ln -sf /usr/lib/go-1.23/bin/go /usr/local/bin/go; fi
	$(GO) mod download

## deps-runtimes: ONNX Runtime (npm package), OpenVINO and Triton's client (PyPI wheels), scikit-image's sample photographs into .tools/
deps-runtimes: deps-photos deps-perf-analyzer
	@[ -f "$(ONNXRUNTIME_LIB)" ] || npm install --ignore-scripts --silent --no-audit --no-fund --prefix $(TOOLS)/onnxruntime-node onnxruntime-node@$(ORT_VERSION)
	@[ -f "$(OPENVINO_LIB)" ] || python3 -m pip install -q --no-deps --break-system-packages --target $(TOOLS)/openvino-$(OPENVINO_VERSION) openvino==$(OPENVINO_VERSION)
	@[ -d "$(TRITONCLIENT_PATH)/tritonclient" ] && [ -d "$(TRITONCLIENT_PATH)/grpc" ] || python3 -m pip install -q --no-deps --break-system-packages --target $(TRITONCLIENT_PATH) \
		tritonclient[http,grpc]==$(TRITONCLIENT_VERSION) -r $(TRITONCLIENT_PINS)

deps-perf-analyzer:
	@[ -x "$(PERF_ANALYZER_PATH)/perf_analyzer" ] && [ -f "$(PERF_ANALYZER_PATH)/libcudart.so.12" ] || { rm -rf $(TOOLS)/perf-wheels && \
		python3 -m pip download -q --no-deps --only-binary :all: --platform manylinux1_x86_64 --python-version 3.11 \
			-d $(TOOLS)/perf-wheels tritonclient==$(PERF_ANALYZER_FROM) nvidia-cuda-runtime-cu12==$(CUDART_VERSION) && \
		python3 -c 'import sys, zipfile, os, glob; d = sys.argv[2]; os.makedirs(d, exist_ok=True); \
			want = {"bin/perf_analyzer": "perf_analyzer", "lib/libcudart.so.12": "libcudart.so.12"}; \
			[open(os.path.join(d, v), "wb").write(zipfile.ZipFile(w).read(n)) for w in glob.glob(sys.argv[1] + "/*.whl") \
			 for n in zipfile.ZipFile(w).namelist() for k, v in want.items() if n.endswith(k)]' $(TOOLS)/perf-wheels $(PERF_ANALYZER_PATH) && \
		chmod +x $(PERF_ANALYZER_PATH)/perf_analyzer && rm -rf $(TOOLS)/perf-wheels; }

deps-photos:
	@[ -f "$(SLICED_PHOTOS)/chelsea.png" ] || { rm -rf $(TOOLS)/skimage-wheel && \
		python3 -m pip download -q --no-deps --only-binary :all: --platform manylinux2014_x86_64 --python-version 3.11 \
			-d $(TOOLS)/skimage-wheel scikit-image==$(SKIMAGE_VERSION) && \
		python3 -c 'import sys, zipfile, os; z = zipfile.ZipFile(sys.argv[1]); os.makedirs(sys.argv[2], exist_ok=True); \
			[open(os.path.join(sys.argv[2], os.path.basename(n)), "wb").write(z.read(n)) for n in z.namelist() \
			 if n.startswith("skimage/data/") and n.endswith((".png", ".jpg"))]' $(TOOLS)/skimage-wheel/*.whl $(SLICED_PHOTOS) && \
		rm -rf $(TOOLS)/skimage-wheel; }

## engine: rebuild the default engine from scratch (about 20 minutes on 2 cores)
engine: build
	mkdir -p .cache/engine
	$(BIN)/slicecal train --topology B --hidden 64 --epochs 5 --seed 1 --init he --out .cache/engine/b64.slc
	$(BIN)/slicecal prototypes --from .cache/engine/b64.slc --out models/mnist.slc --budget 74KiB \
		--dims 24 --per-class 30 --k 9 --learn-epochs 15 --augment 1 --compact 1 --other 300 --other-keep 0 --calibrate 0.99
	$(BIN)/slicecal convert --in .cache/engine/b64.slc --out models/fullcnn-b64.slc --weights int8

## engine-scene: rebuild the scene engine models/scene.slc from the photographs (about 5 minutes on 2 cores)
engine-scene: build deps-photos
	$(BIN)/slicecal scene --out models/scene.slc --threads 2 --quiet

## report: the paper's tables remeasured (calibration/report/results; about 100 minutes on 2 cores; cached rows are reused, --rerun remeasures)
report: build
	$(BIN)/slicecal report --out calibration/report/results --threads 2 --budget-sweep

## bench: one table: sliced engine, full CNN in Go and on ONNX Runtime (batch 1, one thread and all cores)
bench: deps-go deps-runtimes
	$(GO) run ./cmd/sliced/internal/benchtable/run

SOAK ?= 30m

## soak: the daemon on the looping demo video at 30 frames/s under API load for $(SOAK) (not in `make test`; `SOAK=2m make soak` for a short one); fails on any error, growing memory or goroutines, or drifting p99
soak: deps-go
	$(GO) run ./cmd/sliced/internal/soak/run -duration $(SOAK)

## cross: static linux/arm64 and linux/arm (GOARM=7) binaries, and an arm64 GoCV build
cross: deps-go
	bash cross/build.sh all

cross-pure: deps-go
	bash cross/build.sh pure

## cross-smoke: the arm binaries under qemu classify the demo images like amd64
cross-smoke: cross-pure test-bins
	bash cross/build.sh gocv
	SLICED_TEST_BIN=$(TEST_BIN) bash cross/qemu-smoke.sh

## deb: .deb packages for amd64 and arm64 under dist/deb, then their test
deb: deps-go
	bash cross/deb/build.sh amd64 arm64
	DEB_DIR=$(CURDIR)/dist/deb $(GO) test -count=1 ./cross/deb/

clean:
	rm -rf $(BIN) dist
