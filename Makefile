# Two commands do everything on a fresh machine:  make demo  ·  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/nianbao demo

test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: $(BIN)/.installed
	$(BIN)/python bench/parse_bench.py

clean:
	rm -rf $(VENV) data/nianbao.db*
