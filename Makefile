# Convenor: make run | make demo | make test | make lint | make bench | make migrate
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := $(wildcard shared services/registry services/data-gateway services/analytics)
PYPROJECTS := $(addsuffix /pyproject.toml,$(PACKAGES))
PYTEST := $(BIN)/python -m pytest
# `make run` and `make demo` give the bootstrap admin client its development credentials
# (scripts/run.py); they are refused in production mode.

.PHONY: install run demo clients test test-sqlite test-shared test-registry test-gateway test-analytics test-cross lint migrate bench soak clean

install: $(STAMP)

$(STAMP): constraints.txt requirements-dev.txt $(PYPROJECTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt pip setuptools wheel
	$(BIN)/pip install -q -c constraints.txt --no-build-isolation $(foreach p,$(PACKAGES),-e $(p)) -r requirements-dev.txt
	touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/python scripts/run.py migrate

run: $(STAMP)
	$(BIN)/python scripts/run.py run

demo: $(STAMP)
	$(BIN)/python scripts/run.py demo

# Each suite runs in its own pytest process (their test packages share the name "tests").
test: $(STAMP)
	@set -e; status=0; \
	for suite in $(wildcard shared/tests services/*/tests tests); do \
		echo "== $$suite"; \
		$(PYTEST) $$suite || status=1; \
	done; exit $$status

test-shared: $(STAMP)
	$(PYTEST) shared/tests

test-registry: $(STAMP)
	$(PYTEST) services/registry/tests

test-gateway: $(STAMP)
	$(PYTEST) services/data-gateway/tests

test-analytics: $(STAMP)
	$(PYTEST) services/analytics/tests

test-cross: $(STAMP)
	$(PYTEST) tests

test-sqlite: $(STAMP)
	CONVENOR_TEST_DATABASE=sqlite $(MAKE) --no-print-directory test

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(addsuffix /src,$(PACKAGES))
	$(BIN)/lint-imports

# Python clients generated from the three OpenAPI documents, into build/clients/.
clients: $(STAMP)
	$(BIN)/python -c "import pathlib, tests.clients as c; \
	from convenor_registry.app import create_app as r; from convenor_gateway.app import create_app as g; \
	from convenor_analytics.app import create_app as a; out = pathlib.Path('build/clients'); \
	out.mkdir(parents=True, exist_ok=True); [print(c.generate(n, f(), out)[0]) for n, f in \
	(('registry', r), ('gateway', g), ('analytics', a))]"

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# The long versions of the reliability tests; their figures go to docs/reliability.md.
FIGURES := build/reliability
soak: $(STAMP)
	@rm -rf $(FIGURES); mkdir -p $(FIGURES); status=0; \
	export CONVENOR_SOAK=1 CONVENOR_RELIABILITY_FIGURES=$(FIGURES); \
	for suite in registry data-gateway analytics; do \
		$(PYTEST) services/$$suite/tests/test_authorization_matrix.py \
			--junitxml=$(FIGURES)/authorization-matrix-$$suite.xml || status=1; \
	done; \
	for name in owasp owasp_consumption idempotency faults schemathesis; do \
		$(PYTEST) tests/test_$$name.py --junitxml=$(FIGURES)/$$name.xml || status=1; \
	done; \
	$(BIN)/python bench/held_load.py || status=1; \
	$(BIN)/python scripts/reliability_report.py $(FIGURES) > docs/reliability.md || status=1; \
	echo "figures written to docs/reliability.md"; exit $$status

clean:
	rm -rf $(VENV) var
