# The investigation portal. `make run` and `make test` are the whole set-up.
GO        ?= go
BIN       := bin/portal
DATA      ?= ./data
ADDR      ?= localhost:8080
PKGS      := ./...
# Tests run against PostgreSQL too when this is set (.ci/run sets it).
export PORTAL_TEST_POSTGRES_URL

.PHONY: all build run test generate check-generated vet browser bench faults clean

all: build

build: ## write bin/portal
	$(GO) build -o $(BIN) ./cmd/portal

run: build ## serve on localhost with the demo data (loaded on a first start)
	$(BIN) --data $(DATA) serve --addr $(ADDR) --demo

generate: ## regenerate the templ views
	$(GO) tool templ generate

check-generated: ## fail when the committed *_templ.go are not what templ generates
	@$(GO) tool templ generate >/dev/null 2>&1
	@stale=$$(git status --porcelain -- '*_templ.go'); [ -z "$$stale" ] || { echo "views are stale or uncommitted (run make generate and commit): $$stale"; exit 1; }

vet:
	$(GO) vet $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go')); [ -z "$$out" ] || { echo "gofmt needed: $$out"; exit 1; }

browser: ## headless Chromium for the page tests (Debian's package)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); \
	  else echo "install Debian's chromium package for the browser tests (apt-get install chromium)"; fi; }

test: browser vet check-generated ## every test: unit, store (SQLite, and PostgreSQL when configured), HTTP, browser
	$(GO) test -count=1 -timeout 20m $(PKGS)

bench: ## long benchmarks: import throughput against SQLite FTS5, audit, generator
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./internal/bench/
	$(GO) test -run '^$$' -bench . -benchmem ./internal/audit/ ./internal/corpus/ ./internal/auth/

faults: build ## crash tests: SIGKILL an import half way, then check store and index agree
	PORTAL_FAULTS=1 $(GO) test -count=1 -run 'Kill' -v -timeout 30m ./cmd/portal/

clean:
	rm -rf bin

.PHONY: bench-search
bench-search: ## search latency: Bleve vs SQLite FTS5 vs a scan over generated reports (N=100000 by default; N=1000000 takes long; each query's time is the median of REPEAT=3 runs)
	PORTAL_BENCH_SEARCH=$${N:-100000} PORTAL_BENCH_REPEAT=$${REPEAT:-3} $(GO) test -count=1 -run '^TestSearchBenchmark$$' -v -timeout 180m ./index/

.PHONY: eval tune bench-linkage
eval: ## linkage metrics on held-out demo corpora (weights are tuned on seed 1)
	$(GO) run ./cmd/portal eval --reports 5000 --seed 2
	$(GO) run ./cmd/portal eval --reports 5000 --seed 3

tune: ## refit configs/linkage_weights.yaml on the seed-1 demo corpus
	$(GO) run ./cmd/portal eval --tune --reports 5000 --seed 1

bench-linkage: ## linkage performance at 20,000 and 100,000 reports (long)
	PORTAL_BENCH_LARGE=1 $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./internal/linkage/
