# The two commands: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test install install-dev lint bench clean translations translations-compile

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
run: install translations-compile
	mkdir -p instance
	$(BIN)/flask demo prepare
	$(BIN)/flask demo seed
	@echo "OpenCall demo: http://127.0.0.1:5000  (logins above; stop with Ctrl-C)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Tests run in parallel, one worker per core (TEST_WORKERS=0 runs them in this process).
TEST_WORKERS ?= auto

test: install-dev translations-compile
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# Languages (docs/translations.md). `make translations` extracts every string to translate
# and updates each catalogue; `make translations LANGUAGE=cs` also starts a new one.
TRANSLATIONS := app/translations
CATALOGUES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)

translations: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k Nn_:1,2 \
		--project OpenCall --copyright-holder "OpenCall contributors" \
		--sort-by-file --no-wrap -o $(TRANSLATIONS)/messages.pot .
	$(if $(LANGUAGE),$(BIN)/pybabel init -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $(LANGUAGE))
	$(if $(CATALOGUES),$(BIN)/pybabel update --no-wrap -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS))

# Compiled catalogues (.mo) are build products, not kept in git.
translations-compile: install
	$(if $(CATALOGUES),$(BIN)/pybabel -q compile -d $(TRANSLATIONS))

bench: install-dev
	$(BIN)/python -m bench.eligibility_cordis
	$(BIN)/python -m bench.suggestions
	$(BIN)/python -m bench.reports --n 1000

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
