# neckwatch: see README.md. Every target installs what it needs.
SHELL := /bin/bash
GO ?= $(shell command -v go || echo /usr/local/go/bin/go)
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
SOURCE ?= 0
GOFLAGS_BUILD := -trimpath -ldflags "-X main.version=$(VERSION)"
# Real photos for the tests (mirrored from ../shared/testdata, never committed).
export NECKWATCH_TESTDATA ?= $(CURDIR)/testdata/photos

.PHONY: all deps models testdata build run test bench bench-daemon eval vet lint race clean

all: build

deps:
	@scripts/install-deps.sh

models:
	@scripts/fetch-assets.sh models

testdata:
	@scripts/fetch-assets.sh testdata

# The binary embeds the models found in models/data at build time.
build: deps models
	$(GO) build $(GOFLAGS_BUILD) -o bin/neckwatch ./cmd/neckwatch

run: build
	bin/neckwatch run --foreground --source $(SOURCE)

vet:
	$(GO) vet -tags matprofile ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi

# staticcheck (its unused-code check included), fetched through the Go
# module proxy at a pinned version; the layers themselves are checked by
# internal/layers' test.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
lint:
	$(GO) run $(STATICCHECK) -tags matprofile ./...

# The packages with goroutines of their own, under the race detector.
race: deps models
	$(GO) test -race -count=1 ./coach/... ./daemon/... ./control/... ./history/... ./notify/... ./tray/...

# The packages whose tests link OpenCV run them with gocv's matprofile tag,
# so that each proves it leaks no Mat; the rest (the daemon, the coach, the
# history and all else downstream of the landmarks, which internal/layers
# keeps free of OpenCV) run without it, as they build anywhere.
OPENCV_TESTS = $(GO) list -test -f '{{if eq .Name "main"}}{{range .Deps}}{{if eq . "gocv.io/x/gocv"}}{{$$.ImportPath}}{{end}}{{end}}{{end}}' ./... | sed -n 's/\.test$$//p'
test: deps models testdata vet lint
	$(GO) test -tags matprofile -count=1 -timeout 20m $$($(OPENCV_TESTS))
	$(GO) test -count=1 -timeout 20m $$($(GO) list ./... | grep -vxF "$$($(OPENCV_TESTS))")
	$(MAKE) --no-print-directory race
	GO=$(GO) scripts/tz-edges.sh

# The tests that deal in local days (history, report, the journal, history
# and report commands) again with the local time at 00:03 and at 23:57,
# whatever the hour (about 20 s).
.PHONY: test-tz
test-tz: deps models
	GO=$(GO) scripts/tz-edges.sh

# Per-frame pipeline time (Go benchmark harness), medians of 5 runs.
bench: deps models testdata
	$(GO) test -run '^$$' -bench . -benchtime 200x -count 5 ./vision/ | tee bench.txt
	@awk -f scripts/bench-median.awk bench.txt

# The daemon's CPU, memory, camera-open share and reaction time at default
# settings, on an emulated 30 fps MJPEG camera, the daemon wired as run
# wires it, history writes included (about 4 minutes).
bench-daemon: deps models testdata
	$(GO) test -tags matprofile -run '^$$' -bench 'DaemonResources/duty_cycle' -timeout 30m ./cmd/neckwatch/

# The accuracy harness: the detector on real photos of people
# (accuracy/real_test.go: front-people calibrated and uncalibrated, with
# every limit chosen by leave-one-person-out; side-people as they are) and
# the same people under other camera conditions (accuracy/conditions_test.go:
# resolutions, dim light, backlight), and their landmarks moved by exact 3D
# motions, harmless look-alikes and forward heads of known size, through the
# classifier and the coach (accuracy/lookalike_test.go). Prints per-person
# tables and writes them to eval-real.md, eval.md and eval-lookalikes.md
# (about 4 minutes). CI guards always
# apply; NECKWATCH_EVAL_ENFORCE=1 also asserts the issue's targets.
eval: deps models testdata
	NECKWATCH_EVAL_REAL_OUT=$(CURDIR)/eval-real.md NECKWATCH_EVAL_LOOKALIKE_OUT=$(CURDIR)/eval-lookalikes.md NECKWATCH_EVAL_OUT=$(CURDIR)/eval.md $(GO) test -tags matprofile -count=1 -timeout 30m -run 'TestEval' -v ./accuracy/

clean:
	rm -rf bin
