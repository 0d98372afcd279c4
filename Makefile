# romtrack: the two commands of the README, and a few more.
# Every target installs the Debian packages it needs first (scripts/setup-debian).

.PHONY: report test setup build bench-ingest bench-analytics bench-model bench-compare

# The monthly report of the bundled sample data (data/sample/) into reports/<period>/.
report: build
	.build/release/romtrack report

# The whole test suite: unit, property and end-to-end tests.
test: setup
	swift test

build: setup
	swift build -c release --product romtrack

setup:
	@scripts/setup-debian

# Ingest throughput against polars and pyarrow (Benchmarks/README.md); not part of the tests.
bench-ingest: build
	Benchmarks/ingest/run

# Per-series analytics over 100k and 1M series.
bench-analytics: build
	Benchmarks/analytics/run

# The growth model against lme4 and statsmodels (installs R's lme4 and statsmodels when missing).
bench-model: build
	Benchmarks/model/run

# romtrack side by side with DuckDB, polars, pandas, lme4 and statsmodels (installs the peers when missing).
bench-compare: build
	Benchmarks/compare
