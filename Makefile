# romtrack: the two commands of the README, and a few more.
# Every target installs the Debian packages it needs first (scripts/setup-debian).

.PHONY: report test setup build fuzz bench-ingest bench-analytics bench-model bench-report bench-compare

# The monthly report of the bundled sample data (data/sample/) into reports/<period>/.
# With the progress sheets of three clients (ExampleReportTests.sheetFlags).
report: build
	.build/release/romtrack report --sheet-client C000129 --sheet-client C000194 --sheet-client C000229

# The whole test suite: unit, property and end-to-end tests.
test: setup
	swift test

build: setup
	swift build -c release --product romtrack

setup:
	@scripts/setup-debian

# libFuzzer with ASan on the CSV ingest, then the config loader, FUZZ_SECONDS each (docs/fuzzing.md);
# not part of the tests.
FUZZ_SECONDS ?= 300
fuzz: setup
	scripts/fuzz csv $(FUZZ_SECONDS)
	scripts/fuzz config $(FUZZ_SECONDS)

# Ingest throughput against polars and pyarrow (Benchmarks/README.md); not part of the tests.
bench-ingest: build
	Benchmarks/ingest/run

# Per-series analytics over 100k and 1M series.
bench-analytics: build
	Benchmarks/analytics/run

# The growth model against lme4 and statsmodels (installs R's lme4 and statsmodels when missing).
bench-model: build
	Benchmarks/model/run

# The whole monthly report (CSV and HTML) for 100k and 1M clients: phases, wall time, peak RSS.
bench-report: build
	Benchmarks/report/run

# romtrack side by side with DuckDB, polars, pandas, lme4 and statsmodels (installs the peers when missing).
bench-compare: build
	Benchmarks/compare
