# Two commands for a fresh clone: `make run` starts the service, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install bench lint

$(BIN)/translate-app: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/translate-app

run: install
	$(BIN)/translate-app serve

test: install
	$(BIN)/python -m pytest

# ruff (lint, and the format check) and mypy, as configured in pyproject.toml; pre-commit runs the same.
$(BIN)/mypy: pyproject.toml $(BIN)/translate-app
	$(BIN)/pip install --quiet -e '.[test,lint]'
	touch $@

lint: $(BIN)/mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/segmenting.py
	$(BIN)/python bench/pretranslate.py
	$(BIN)/python bench/review_load.py
