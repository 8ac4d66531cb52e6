# The verbs people type. `make help` lists them.
# Offline: add SNAPSHOT=<folder laid out like ../shared/data/snapshot> to data/report.

PYTHON_BOOTSTRAP ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SNAPSHOT ?=
KERNEL := almaty-analysis
FETCH_ARGS ?=
REPORT_ARGS ?=
BENCH_ARGS ?=
SNAPSHOT_FLAG := $(if $(SNAPSHOT),--snapshot "$(SNAPSHOT)",)

.DEFAULT_GOAL := help
.PHONY: help setup data fetch build report test lint lab bench bench-fetch clean strip-notebooks chromium check-page contact-sheet

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

$(VENV)/.installed: pyproject.toml
	$(PYTHON_BOOTSTRAP) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python ($(KERNEL))" >/dev/null
	touch $@

setup: $(VENV)/.installed ## create .venv and install the project with its dev extra

fetch: setup ## bring raw data into data/raw (live, or SNAPSHOT=DIR)
	$(PY) -m analysis fetch $(SNAPSHOT_FLAG) $(FETCH_ARGS)

build: setup ## turn data/raw into data/processed
	$(PY) -m analysis build

data: fetch build ## fetch + build

report: data ## run every notebook into reports/ (offline: make report SNAPSHOT=DIR)
	$(PY) -m analysis report $(REPORT_ARGS)

test: setup chromium ## run the test suite (needs the snapshot at ../shared/data/snapshot or SNAPSHOT=DIR)
	$(if $(SNAPSHOT),ANALYSIS_TEST_SNAPSHOT="$(SNAPSHOT)",) $(PY) -m pytest $(PYTEST_ARGS)

lint: setup ## ruff over the package, tests and notebooks
	$(PY) -m ruff check src tests benchmarks notebooks

lab: setup ## start JupyterLab on notebooks/ with the project's kernel ($(KERNEL))
	$(PY) -m jupyter lab --notebook-dir=notebooks --MappingKernelManager.default_kernel_name=$(KERNEL) \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

bench: setup ## benchmarks on the snapshot: build time; report cold, no-op and after one edit
	$(PY) benchmarks/build_bench.py $(SNAPSHOT_FLAG)
	$(PY) benchmarks/report_bench.py $(SNAPSHOT_FLAG) $(BENCH_ARGS)

bench-fetch: setup ## live-fetch benchmark: requests and wall time against a local stand-in server
	$(PY) benchmarks/fetch_bench.py $(SNAPSHOT_FLAG)

chromium: ## install Debian's chromium when it is missing (for check-page and its test)
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

check-page: setup chromium ## open reports/index.html and the pages it links in headless Chromium; fail on broken images, links, console errors
	$(PY) -m analysis.pagecheck reports/index.html --screenshot reports/page.png --follow

contact-sheet: setup ## every figure PNG of reports/ on contact sheets (reports/contact_sheet_*.png) for review
	$(PY) benchmarks/contact_sheet.py reports

strip-notebooks: setup ## remove outputs and execution counts from notebooks/ before a commit
	$(PY) -m jupyter nbconvert --log-level=WARN --clear-output --inplace notebooks/*.ipynb

clean: ## remove generated data and reports (keeps .venv)
	rm -rf data/raw/* data/processed/* reports
