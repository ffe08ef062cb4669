# Evidence Graph. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run test test-virtuoso test-browser fuzz lint format schema validate stats bench bench-stress bench-quick bench-pages audit-graphql-http clean

help: ## List the targets, one line each
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

install: $(STAMP) ## Create .venv and install the project with its dev tools (once)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: install ## Serve the API with the bundled content at http://127.0.0.1:8000 (GraphiQL at /graphql)
	$(VENV)/bin/evidence-graph serve

test: install ## Run every test (unit, doctest, CLI, HTTP)
	$(PY) -m pytest

test-virtuoso: install ## The backend tests against a private Virtuoso 7 (installs Debian's virtuoso-opensource if missing)
	@command -v virtuoso-t >/dev/null || { SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource; }
	EVIDENCE_GRAPH_TEST_VIRTUOSO=1 $(PY) -m pytest -k virtuoso -p no:cacheprovider tests

test-browser: install ## The tests in headless Chromium (installs Debian's chromium and chromium-driver if missing)
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; }
	$(PY) -m pytest -p no:cacheprovider tests/test_browser.py

fuzz: install ## Thousands of generated GraphQL and HTTP requests against the API: no 5xx, no internal error
	EVIDENCE_GRAPH_FUZZ_EXAMPLES=$${EVIDENCE_GRAPH_FUZZ_EXAMPLES:-3000} $(PY) -m pytest tests/test_fuzz.py -p no:cacheprovider

lint: install ## ruff (lint + format check), mypy --strict and the import contracts (no cycles, api -> graph)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: install ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

schema: install ## Write the GraphQL SDL and possible types to api/ (tests compare them to the live schema)
	$(PY) -m api.graphql.sdl > api/schema.graphql
	$(PY) -m api.graphql.sdl --possible-types > api/possible-types.json

validate: install ## Validate the bundled ontology and content against the shapes
	$(VENV)/bin/evidence-graph validate ontology/*.ttl graph/content/*.ttl

stats: install ## Instances per class; live claims per kind, grade and licensing status of the bundled content
	$(VENV)/bin/evidence-graph stats

bench: install ## Full benchmark: bundled, 10k, 100k, 1M (BENCH_ARGS="--tiers 10k,100k" skips 1M), pages (bundled, 1M), dataset imports, then bench-stress -> bench/results/
	$(PY) -m bench.run $(BENCH_ARGS)
	$(PY) -m bench.pages --tiers 1M $(PAGES_ARGS)
	$(PY) -m bench.imports
	$(PY) -m bench.stress $(STRESS_ARGS)

bench-stress: install ## Load proof: 60 s at 50 clients with writes, then heavy queries beside /health -> bench/results/
	$(PY) -m bench.stress $(STRESS_ARGS)

bench-pages: install ## Pages for people over HTTP (drug, claim, source, search...) on the bundled content -> bench/results/
	$(PY) -m bench.pages $(PAGES_ARGS)

bench-quick: install ## Quick benchmark: bundled + 10k, short runs, under 2 minutes -> bench/results/
	$(PY) -m bench.run --quick

audit-graphql-http: install ## graphql-http's GraphQL-over-HTTP audits (npm, pinned) against evidence-graph serve
	export EVIDENCE_GRAPH_NODE_CACHE=$${EVIDENCE_GRAPH_NODE_CACHE:-$(CURDIR)/.cache/graphql-http} && \
	npm install --prefix "$$EVIDENCE_GRAPH_NODE_CACHE" --no-audit --no-fund --save-exact graphql-http@1.23.1 graphql@16.15.0 && \
	$(PY) -m pytest tests/test_graphql_over_http.py::test_graphql_http_audit_with_node -p no:cacheprovider

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
