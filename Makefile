# neckwatch: see README.md. Every target installs what it needs.
SHELL := /bin/bash
GO ?= $(shell command -v go || echo /usr/local/go/bin/go)
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
SOURCE ?= 0
GOFLAGS_BUILD := -trimpath -ldflags "-X main.version=$(VERSION)"
# Real photos for the tests (mirrored from ../shared/testdata, never committed).
export NECKWATCH_TESTDATA ?= $(CURDIR)/testdata/photos

.PHONY: all deps models testdata build run test bench vet fmt clean

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
	bin/neckwatch check --source $(SOURCE)

vet:
	$(GO) vet -tags matprofile ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi

# The tests run with gocv's matprofile tag so that every package using
# OpenCV can prove it leaks no Mat.
test: deps models testdata vet
	$(GO) test -tags matprofile -count=1 ./...

bench: deps models testdata
	$(GO) test -tags matprofile -run '^$$' -bench . -benchtime 200x -count 5 ./vision/ ./analysis/ | tee bench.txt

clean:
	rm -rf bin
