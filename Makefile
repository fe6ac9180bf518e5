# Two entry points (see README): `make check` runs the KZ-2026 proof suite, `make test` the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: check test quick lint find clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

check: $(STAMP)
	$(BIN)/polity check

find: $(STAMP)
	$(BIN)/polity find

lint: $(STAMP)
	$(BIN)/ruff check model properties proofs cli tests bench
	rm -rf .mypy_tree && mkdir -p .mypy_tree/polity
	for p in model properties proofs cli; do ln -s ../../$$p .mypy_tree/polity/$$p; done
	$(BIN)/mypy -p polity.model -p polity.properties -p polity.proofs -p polity.cli

test: $(STAMP) lint
	$(BIN)/pytest -q

# The fast unit tests only (no solver-heavy, end-to-end or fuzz tests): seconds, for the edit loop.
quick: $(STAMP)
	$(BIN)/pytest -q -m "not slow and not e2e and not fuzz"

clean:
	rm -rf $(VENV) .mypy_tree
