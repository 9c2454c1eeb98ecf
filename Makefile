# The two commands of the README:
#   make site   builds the example register (Registry/) into Site/
#   make test   runs every test: unit, end-to-end, and the page checks in a real browser
# Each installs what it needs when it is missing.

SWIFT_FLAGS ?=
# The release binary links the Swift runtime and Foundation into itself: it starts in a third of
# the time (no symbols to resolve at load) and builds about 5% faster; RELEASE_FLAGS= links them
# from the toolchain instead.
RELEASE_FLAGS ?= --static-swift-stdlib
RELEASE_BIN = .build/release/algoreg

.PHONY: site test unit-tests page-checks validate bench bench-import clean embed-defaults

site:
	.ci/install-deps
	swift build -c release $(RELEASE_FLAGS) $(SWIFT_FLAGS) --product algoreg
	$(RELEASE_BIN) build

validate:
	.ci/install-deps
	swift build -c release $(RELEASE_FLAGS) $(SWIFT_FLAGS) --product algoreg
	$(RELEASE_BIN) validate

test: unit-tests page-checks

unit-tests:
	.ci/install-deps
	swift build $(SWIFT_FLAGS)
	swift test $(SWIFT_FLAGS)

# Builds the example into a scratch folder and checks every page with the Nu HTML checker
# and, in headless chromium, with axe-core.
page-checks:
	.ci/install-deps browser
	swift build $(SWIFT_FLAGS) --product algoreg
	python3 Tests/PageChecks/check_pages.py --algoreg .build/debug/algoreg

clean:
	rm -rf .build Site/*

# Benchmark, not a test: generates a 4,000-row CSV and prints how long `algoreg import` takes.
bench-import:
	swift build -c release $(RELEASE_FLAGS) $(SWIFT_FLAGS) --product algoreg
	Tests/Benchmarks/import_bench.sh $(RELEASE_BIN)

# Regenerates the copy of the default schema and templates inside the binary (for `algoreg init`).
embed-defaults:
	.ci/embed-defaults

# Benchmarks (issue 5), not part of `make test`: the release binary against Hugo, Python
# jsonschema, libyaml and cmark-gfm on a generated register of N = 1,000 and 10,000 systems,
# on tmpfs. BENCH_FLAGS="--with-100k" adds N = 100,000; "--runs 5" more runs; "--smoke" N = 20.
BENCH_FLAGS ?=
bench:
	.ci/install-deps
	@missing=""; command -v hugo >/dev/null || missing="$$missing hugo"; \
	command -v cmark-gfm >/dev/null || missing="$$missing cmark-gfm"; \
	python3 -c "import yaml, jsonschema; assert yaml.__with_libyaml__" 2>/dev/null || python3 -m pip install -q pyyaml jsonschema; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq $$missing; else sudo apt-get install -y -qq $$missing; fi; fi
	swift build -c release $(RELEASE_FLAGS) $(SWIFT_FLAGS) --product algoreg
	python3 Tests/Benchmarks/bench.py $(BENCH_FLAGS)
