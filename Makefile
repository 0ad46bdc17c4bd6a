# Two commands on a fresh Debian machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

RUNTIME_DEBS := libportaudio2 libsndfile1 libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0 \
	libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 \
	libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 espeak-ng
TEST_DEBS := $(RUNTIME_DEBS) xvfb x11-utils libasound2-plugins binutils ffmpeg redis-server postgresql
BENCH_DEBS := $(TEST_DEBS) ffmpeg

.PHONY: run test bench package lint clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet -e '.[test,package]'
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	@scripts/system-deps.sh $(RUNTIME_DEBS)
	$(VENV)/bin/switchboard --demo

test: $(VENV)/.test-installed
	@scripts/system-deps.sh $(TEST_DEBS)
	$(PY) -m pytest -p no:cacheprovider

bench: $(VENV)/.test-installed
	@scripts/system-deps.sh $(BENCH_DEBS)
	$(PY) -m benchmarks

package: $(VENV)/.test-installed
	@scripts/system-deps.sh $(RUNTIME_DEBS) binutils
	$(PY) packaging/build.py

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check app tests benchmarks packaging

clean:
	rm -rf build dist .pytest_cache
