# The two commands a newcomer needs: `make demo` and `make test`. Both install everything first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv from PATH, else from the user's Python scripts folder (where the bootstrap below puts it).
UV := $(or $(shell command -v uv 2>/dev/null),$(shell python3 -m site --user-base)/bin/uv)
export MLFLOW_DISABLE_TELEMETRY := true
export DAGSTER_DISABLE_TELEMETRY := true
export DO_NOT_TRACK := 1
# Installed packages are byte-compiled once (12 s): otherwise, where PYTHONDONTWRITEBYTECODE is set,
# every process compiles what it imports again (GX 5.4 s -> 3.3 s, dbt 2.8 s -> 1.8 s per start).
export UV_COMPILE_BYTECODE := 1
PYTEST_ARGS ?=
BENCH_SIZES ?= 2000 50000 500000 2000000
BENCH_DIR ?= bench-results
PANDAS_MAX ?= 50000

.PHONY: help install install-spark test-spark chromium demo test bench lint format ui serve clean

help:
	@echo "make demo   install, generate the demo organisation, run the whole pipeline"
	@echo "make test   install, then ruff and pytest"
	@echo "make ui     the Dagster UI on http://127.0.0.1:3000"
	@echo "make bench  the benchmark: $(BENCH_SIZES) employees x 36 months, tables in $(BENCH_DIR)/"
	@echo "make serve  the leadership dashboard on http://127.0.0.1:8000 (accounts: .lpss/demo_users.json)"
	@echo "make install-spark  dbt-spark and pyspark as well (README, Running on Spark); test-spark its test"

$(UV):
	python3 -m pip install --user --quiet uv

# The Spark extra (dbt-spark, pyspark: a 456 MB build, cached by uv) only when asked for; once installed,
# every later install keeps it (a plain `uv sync` would remove it).
SPARK_EXTRA = $(if $(wildcard .venv/lib/python3*/site-packages/pyspark),--extra spark)

install: $(UV)
	$(UV) sync --locked $(SPARK_EXTRA)

install-spark: $(UV)
	$(UV) sync --locked --extra spark

# Not part of `make test`: every dbt invocation on Spark starts a JVM (about 25 s).
test-spark: install-spark
	$(UV) run pytest -m spark -n 2 --dist loadfile -p no:cacheprovider $(PYTEST_ARGS)

# Debian's chromium for the dashboard's browser tests (Playwright drives it; nothing is downloaded).
chromium:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium and chromium-driver for the browser tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null \
	  || { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }; }

demo: install
	$(UV) run lpss demo

test: install chromium
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run pytest -n 2 --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

# Not part of `make test`: hours at 2M employees. The pandas reference stops at PANDAS_MAX employees
# (it holds the raw tables in memory). Above ONE_QUERY_FROM employees dbt builds one model or test at
# a time (LPSS_DBT_THREADS=1), so each query has the whole memory budget. Organisations are cached
# under LPSS_HOME/bench/cache.
ONE_QUERY_FROM ?= 1000000
bench: install
	@mkdir -p $(BENCH_DIR)
	@for n in $(BENCH_SIZES); do \
	  LPSS_DBT_THREADS=$$([ $$n -ge $(ONE_QUERY_FROM) ] && echo 1 || echo 2) \
	  $(UV) run lpss bench --employees $$n --months 36 --json $(BENCH_DIR)/bench-$$n.json \
	    $$([ $$n -gt $(PANDAS_MAX) ] && echo --no-pandas) || exit 1; \
	done
	$(UV) run lpss bench-report $(BENCH_DIR)/bench-*.json

lint: install
	$(UV) run ruff check .

format: install
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

ui: install
	$(UV) run lpss ui

serve: install
	$(UV) run lpss serve

clean:
	rm -rf .lpss dbt_project/target dbt_project/logs .pytest_cache .ruff_cache test-artifacts bench-results
