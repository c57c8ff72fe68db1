# Two entry points, both self-contained on a fresh Debian/Ubuntu machine:
#   make demo   install finews and crawl the bundled replay site into output/
#   make test   install what the tests need (Debian's jekyll and hugo, the dev extras) and run them all
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

demo: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/scrapy crawl finews
	@echo "Posts: output/site/_posts/  Database: output/finews.sqlite3  Build the site: cd output/site && jekyll build"

system-deps:
	@command -v jekyll >/dev/null && command -v hugo >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq jekyll hugo >/dev/null; }

test: $(BIN)/python system-deps
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pytest
