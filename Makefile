# Two entry points on a fresh machine: `make demo` (the main job) and `make test`.
# Both create .venv and install the project into it first; nothing else is needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The tests and benchmarks also need the bulk back ends (DuckDB, Spark); the demo does not.
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,bench,stix]'
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install -q -e '.[dev,bench,stix,bulk,spark,api]'
	touch $(TEST_STAMP)

demo: $(STAMP)
	$(BIN)/cybernorms check rulebooks examples/incidents
	$(BIN)/cybernorms evaluate examples/incidents --profiles rulebooks/profiles --position GBR --position FRA --format summary
	scripts/demo-record.sh $(BIN)

test: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks fuzz
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(TEST_STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
