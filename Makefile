# kctl's build. Everything a fresh machine needs is installed from here:
# Go modules come from the module proxy on first use.
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
BIN := bin/kctl
PKGS := ./...

.PHONY: all build test fmt-check vet unit bench demo docs clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/kctl

fmt-check:
	@out=$$(gofmt -l cmd pkg); if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

# The CI entry point (.ci/run): formatting, vet, then every test with the
# race detector against in-process sandbox clusters.
test: fmt-check vet
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

# Fast loop without -race.
unit:
	$(GO) test -count=1 $(PKGS)

# Request counts, round trips, wall time and memory of the main plans,
# measured on the request-counting sandbox (see docs/benchmarks.md).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x -timeout 30m $(PKGS)

docs:
	$(GO) run ./cmd/gen-docs docs/commands

# The tour: start a sandbox in the background, wait until it answers, run
# the main commands against it, stop it.
demo: build
	@set -e; dir=$$(mktemp -d); export KCTL_CONFIG=$$dir/config.yaml; \
	./$(BIN) sandbox --port 0 >$$dir/sandbox.log 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null; rm -rf $$dir' EXIT; \
	for i in $$(seq 1 150); do \
	  ./$(BIN) --context sandbox --timeout 2s cluster describe >/dev/null 2>&1 && break; \
	  kill -0 $$pid 2>/dev/null || { cat $$dir/sandbox.log; exit 1; }; sleep 0.2; \
	done; \
	run() { echo; echo "\$$ kctl $$*"; ./$(BIN) --context sandbox "$$@"; }; \
	since=$$(date -u -d '-6 hours' +%Y-%m-%dT%H:%M:%S 2>/dev/null || date -u -v-6H +%Y-%m-%dT%H:%M:%S); \
	run cluster describe; \
	run broker list; \
	run topic list; \
	run topic describe orders --under-replicated-partitions; \
	run group list; \
	run lag describe --group billing; \
	run lag describe --all-groups --summary; \
	run offsets reset --group billing --topic orders --to-datetime "$$since"; \
	run check connectivity -o json | head -c 600; echo ...; \
	run health --format nagios; \
	run version --client

clean:
	rm -rf bin
