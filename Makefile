# Two commands do everything on a fresh machine:  make demo  ·  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# Debian packages nianbao uses at run time (LibreOffice reads legacy .doc attachments) and in its
# tests (headless Chromium with a CJK font for the browser test).
RUN_PACKAGES := libreoffice-writer-nogui
TEST_PACKAGES := $(RUN_PACKAGES) chromium fonts-wqy-microhei

.PHONY: demo test bench clean system-run system-test

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Installs only what is missing, as root through apt-get; elsewhere it says what to install.
system-run:
	@PACKAGES="$(RUN_PACKAGES)" sh scripts/install-system-packages.sh
system-test:
	@PACKAGES="$(TEST_PACKAGES)" sh scripts/install-system-packages.sh

demo: $(BIN)/.installed system-run
	$(BIN)/nianbao demo

test: $(BIN)/.installed system-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: $(BIN)/.installed
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/crawl_bench.py

clean:
	rm -rf $(VENV) data/nianbao.db*
