# The two front-door commands: `make run` (the demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test lint typecheck pytest messages docker-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/eventops demo --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check eventops integrations tests bench
	$(BIN)/ruff format --check eventops integrations tests bench

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy eventops integrations

pytest: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 --dist loadfile -p no:cacheprovider $(PYTEST_ARGS)

test: lint typecheck pytest

# The UI text (issue 13): extract the msgids of the templates and the Python (babel.cfg) into messages.pot and
# merge them into both catalogues; then translate the new empty msgstr in eventops/locale/id (English msgids).
messages: $(VENV)/.installed-run
	$(BIN)/pybabel extract -F babel.cfg -k translate:2 --no-wrap --no-location --sort-output \
		-o build/messages.pot .
	$(BIN)/pybabel update -i build/messages.pot -d eventops/locale --no-wrap \
		--ignore-obsolete --no-fuzzy-matching

# Checks docker/ without a Docker engine (tests/test_docker.py), and with `docker compose config` where Docker is.
docker-check: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_docker.py
	@if docker compose version >/dev/null 2>&1; then \
		docker compose -f docker/compose.yaml --env-file docker/.env.example config --quiet \
			&& echo "docker compose config: ok"; \
	else echo "docker compose is not installed here: skipped 'docker compose config'"; fi

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache
