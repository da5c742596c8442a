# Two commands on a fresh machine with Python and pip: `make demo` and `make test`.
PYTHON ?= python3
UV := $(PYTHON) -m uv
export UV_PYTHON_PREFERENCE := only-system
# Byte-compile at install: with PYTHONDONTWRITEBYTECODE set (as on our machines)
# every process would otherwise recompile dbt, Dagster and GX (seconds per start).
export UV_COMPILE_BYTECODE := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := false
CHROMIUM := /usr/bin/chromium

.PHONY: install chromium office java demo test dagster benchmark screenshots lint clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

install: .venv/.installed  ## install the locked dependencies into .venv

.venv/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen
	@touch $@

chromium:  ## install Debian's chromium for browser tests (as root, when missing)
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation; \
	  else echo "chromium missing: install Debian's chromium (apt-get install chromium) for browser tests"; exit 1; fi; \
	fi

java:  ## install Debian's Java 17 for the Spark engine's tests (as root, when missing)
	@if ! command -v java >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; \
	  else echo "java missing: install Debian's openjdk-17-jre-headless for the Spark tests"; exit 1; fi; \
	fi

office:  ## install Debian's LibreOffice Impress and pdftoppm for deck tests (as root, when missing)
	@if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-impress poppler-utils fonts-liberation; \
	  else echo "LibreOffice or pdftoppm missing: install Debian's libreoffice-impress and poppler-utils for deck tests"; exit 1; fi; \
	fi

demo: install  ## build the demo company's warehouse and serve the dashboard on :8501
	$(UV) run --frozen hiring demo

test: install chromium office java  ## run the whole test suite (dbt on DuckDB and Spark, Dagster, dashboards in a real browser, the deck)
	$(UV) run --frozen pytest

DAGSTER_HOME ?= $(CURDIR)/warehouse/.dagster
dagster: install  ## open the Dagster UI over the demo export (http://127.0.0.1:3000)
	@mkdir -p $(DAGSTER_HOME)
	@[ -f $(DAGSTER_HOME)/dagster.yaml ] || printf 'telemetry:\n  enabled: false\n' > $(DAGSTER_HOME)/dagster.yaml
	DAGSTER_HOME=$(DAGSTER_HOME) $(UV) run --frozen dg dev

BENCH_ENGINES ?= duckdb,spark
BENCH_SIZES ?= demo,100000
benchmark: install java  ## time refreshes (the demo, 100k) on DuckDB and Spark against the speed targets
	$(UV) run --frozen python tests/benchmark_refresh.py --sizes $(BENCH_SIZES) --engines $(BENCH_ENGINES)

screenshots: install chromium office  ## refresh the demo warehouse; screenshot every page and the deck's slides into docs/screenshots
	$(UV) run --frozen hiring refresh --exports seeds/demo --warehouse warehouse
	$(UV) run --frozen hiring slides --warehouse warehouse --out warehouse/deck.pptx --company "Demo company" --pdf
	$(UV) run --frozen python tools/screenshots.py --warehouse warehouse --out docs/screenshots --deck warehouse/deck.pdf

lint: install  ## ruff (Python) and sqlfluff (dbt SQL)
	$(UV) run --frozen ruff check orchestration dashboards tests tools
	$(UV) run --frozen ruff format --check orchestration dashboards tests tools
	@mkdir -p warehouse
	cd dbt_project && HIRING_WAREHOUSE_DB=$(CURDIR)/warehouse/lint.duckdb \
	  $(UV) run --frozen sqlfluff lint models tests

clean:  ## remove the local warehouse and dbt build output
	rm -rf warehouse dbt_project/target dbt_project/logs
