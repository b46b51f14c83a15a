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

# The browser test needs Debian's chromium and a CJK font (so screenshots show Chinese); as root
# with apt-get, install them once when missing — elsewhere that test skips itself.
test: $(BIN)/.installed
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && { [ ! -x /usr/bin/chromium ] || \
	  [ ! -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; }; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; fi
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: $(BIN)/.installed
	$(BIN)/python bench/parse_bench.py

clean:
	rm -rf $(VENV) data/nianbao.db*
