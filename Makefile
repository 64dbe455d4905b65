# Skills Tutor: `make run` sets up, ingests when needed and opens the tutor;
# `make test` sets up and runs the test suite.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin

# llama-cpp-python compiles llama.cpp (about 10 minutes on 2 cores; pip keeps
# the wheel in its cache, so once per machine). On x86-64, build for AVX2 rather
# than "native": CPUs that advertise AVX-512/AMX inside VMs can fault on it.
ifeq ($(shell uname -m),x86_64)
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF
endif

# The browser tests drive Debian's chromium; Playwright's own browser download is never used.
CHROMIUM ?= /usr/bin/chromium
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run setup browser index test eval eval-ci lint bench clean

run: index
	$(BIN)/tutor serve

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# CPU build of torch first, pinned: an unpinned torch pulls a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --quiet -e '.[test]'
	# tiktoken downloads its BPE table on first use; offline, it is read from the copy
	# inside the litellm wheel, installed without dependencies (never imported).
	$(BIN)/pip install --quiet --no-deps litellm==1.110.2
	touch $@

browser: $(CHROMIUM)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

index: setup
	$(BIN)/tutor ingest

test: setup browser
	$(BIN)/python -m pytest

# The offline evaluation suites (README: Evaluation); reports go under TUTOR_HOME/evals/.
eval: index
	$(BIN)/tutor eval

# What CI checks against evals/thresholds.yaml: retrieval and plans in full, and the
# answer suite on a small fixed subset with the embedded model, on a fresh index.
EVAL_HOME ?= .tutor-eval
eval-ci: setup
	TUTOR_HOME=$(EVAL_HOME) $(BIN)/tutor ingest --quiet
	TUTOR_HOME=$(EVAL_HOME) $(BIN)/tutor eval --suite retrieval --split all --quiet
	TUTOR_HOME=$(EVAL_HOME) $(BIN)/tutor eval --suite plans --split all --quiet
	TUTOR_HOME=$(EVAL_HOME) $(BIN)/tutor eval --suite goals --split all --quiet
	TUTOR_HOME=$(EVAL_HOME) $(BIN)/tutor eval --suite answers --split test --limit 6 --quiet
	TUTOR_HOME=$(EVAL_HOME) $(BIN)/tutor eval --suite interview --split test --limit 40 --quiet
	TUTOR_HOME=$(EVAL_HOME) $(BIN)/tutor eval --suite grading --split test --quiet
	TUTOR_HOME=$(EVAL_HOME) $(BIN)/tutor eval --suite placement --split test --quiet

lint: setup
	$(BIN)/ruff check app ingest evals tests
	$(BIN)/ruff format --check app ingest evals tests
	$(BIN)/lint-imports --no-cache

bench: setup
	$(BIN)/python -m evals.bench
	$(BIN)/python -m evals.plan_bench 300

clean:
	rm -rf $(VENV) .tutor $(EVAL_HOME)
