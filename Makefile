# Two entry points, both self-contained on a fresh Debian/Ubuntu machine:
#   make demo   install finews and crawl the bundled replay site into output/
#   make test   install what the tests need (Debian's jekyll with jekyll-feed, hugo, chromium with a CJK font,
#               the dev extras) and run them all
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test system-deps

# The venv's own pip, not upgraded: the install must work with the pip Python ships (23.x on Debian 12).
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

demo: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/scrapy crawl finews
	@echo "Posts: output/site/_posts/  Database: output/finews.sqlite3  Build the site: cd output/site && jekyll build"

SYSTEM_PACKAGES := jekyll ruby-jekyll-feed hugo chromium fonts-noto-cjk

system-deps:
	@dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; }

test: $(BIN)/python system-deps
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pytest
