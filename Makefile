# The two commands of the README:
#   make site   builds the example register (Registry/) into Site/
#   make test   runs every test: unit, end-to-end, and the page checks in a real browser
# Each installs what it needs when it is missing.

SWIFT_FLAGS ?=
RELEASE_BIN = .build/release/algoreg

.PHONY: site test unit-tests page-checks validate bench clean embed-defaults

site:
	.ci/install-deps
	swift build -c release $(SWIFT_FLAGS) --product algoreg
	$(RELEASE_BIN) build

validate:
	.ci/install-deps
	swift build -c release $(SWIFT_FLAGS) --product algoreg
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
	swift build -c release $(SWIFT_FLAGS) --product algoreg
	Tests/bench/import_bench.sh $(RELEASE_BIN)

# Regenerates the copy of the default schema and templates inside the binary (for `algoreg init`).
embed-defaults:
	.ci/embed-defaults
