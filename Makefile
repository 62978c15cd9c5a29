# The two commands: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test install install-dev lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# `demo prepare` upgrades and checks the database: a demo database that an older version
# left broken is rebuilt instead of served.
run: install
	mkdir -p instance
	$(BIN)/flask demo prepare
	$(BIN)/flask demo seed
	@echo "OpenCall demo: http://127.0.0.1:5000  (logins above; stop with Ctrl-C)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Tests run in parallel, one worker per core (TEST_WORKERS=0 runs them in this process).
TEST_WORKERS ?= auto

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

bench: install-dev
	$(BIN)/python -m bench.eligibility_cordis
	$(BIN)/python -m bench.suggestions
	$(BIN)/python -m bench.reports --n 1000

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
