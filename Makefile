# kctl's build. Everything a fresh machine needs is installed from here:
# Go modules come from the module proxy on first use.
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
BIN := bin/kctl
PKGS := ./...

.PHONY: all build test fmt-check vet staticcheck unit bench demo docs clean kafka-jars test-kafka kafka-up

all: build

build:
	$(GO) build -o $(BIN) ./cmd/kctl

fmt-check:
	@out=$$(gofmt -l cmd pkg); if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

# staticcheck is pinned in go.mod (tool directive): `go tool` fetches it from
# the module proxy on first use, nothing to install. The realkafka build tag
# covers the real-Kafka e2e files, which the default build skips.
staticcheck:
	$(GO) tool staticcheck $(PKGS)
	$(GO) tool staticcheck -tags realkafka $(PKGS)

# The CI entry point (.ci/run): formatting, vet, staticcheck, then every
# test with the race detector against in-process sandbox clusters.
test: fmt-check vet staticcheck
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
	run topic consume orders --group billing -p 3 -n 1 --print partition,offset,key,value; \
	run topic consume orders.DLT -p 3 -n 1 --headers; \
	run lag describe --all-groups --summary; \
	run offsets reset --group billing --topic orders --to-datetime "$$since"; \
	run check connectivity -o json | head -c 600; echo ...; \
	run health --format nagios; \
	run version --client

# Real Apache Kafka (KRaft) on loopback: the jars come from Maven Central
# (pkg/realkafka/pom.xml), the JVMs run with plain java -cp. Needs Java 17+
# and Maven; make test needs neither.
KAFKA_VERSIONS ?= 4.4.0 3.9.2
KAFKA_LIB := $(CURDIR)/pkg/realkafka/lib

kafka-jars:
	@command -v java >/dev/null || { echo "make test-kafka needs Java 17+ (java on PATH)"; exit 1; }
	@command -v mvn >/dev/null || { echo "make test-kafka needs Maven (mvn on PATH) to fetch Kafka's jars from Maven Central"; exit 1; }
	@for v in $(KAFKA_VERSIONS); do \
	  test -f $(KAFKA_LIB)/$$v/.complete && continue; \
	  echo "fetching Apache Kafka $$v jars from Maven Central"; \
	  rm -rf $(KAFKA_LIB)/$$v; \
	  mvn -q -B -f pkg/realkafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime \
	    -Dkafka.version=$$v -DoutputDirectory=$(KAFKA_LIB)/$$v || exit 1; \
	  touch $(KAFKA_LIB)/$$v/.complete; \
	done

# kctl end to end against real Kafka 4.x in three shapes (single node,
# three nodes, SASL_SSL+SCRAM+ACLs) and 3.9, side by side with Kafka's tools.
test-kafka: kafka-jars
	KCTL_KAFKA_LIB=$(KAFKA_LIB) $(GO) test -tags realkafka -count=1 -timeout 25m ./pkg/realkafka/... ; \
	rc=$$?; pkill -f 'kctl[.]realkafka=.* -cp $(KAFKA_LIB)/' 2>/dev/null; exit $$rc

# One real cluster by hand (SHAPE=single|three|sasl-ssl, KAFKA_VERSION): prints
# the bootstrap, the node pids and the kctl settings; Ctrl-C stops it.
SHAPE ?= single
KAFKA_VERSION ?= 4.4.0
kafka-up: kafka-jars
	$(GO) run ./cmd/realkafka -shape $(SHAPE) -version $(KAFKA_VERSION) -lib $(KAFKA_LIB)

clean:
	rm -rf bin
