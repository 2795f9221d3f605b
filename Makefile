# The two commands of the README: `make lab` and `make test`. Both create the
# environment (.venv, pinned by constraints.txt) on first run.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Real MNIST digits for part 07, when this checkout sits beside ../shared (as in CI).
SHARED_MNIST := $(abspath ../shared/data/mnist-split)
export NODEWISE_MNIST_DIR ?= $(if $(wildcard $(SHARED_MNIST)),$(SHARED_MNIST))
# Headless figures for the tests only: in `make lab`, Agg would hide every plot.
unit notebooks benchmark: export MPLBACKEND := Agg
# Extra options for JupyterLab, e.g. make lab LAB_ARGS="--ip=0.0.0.0 --port=8888" in a container.
LAB_ARGS ?=

.PHONY: lab test lint unit notebooks benchmark clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "nodewise needs Python 3.11 or newer: install it, or run make PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

test: lint unit notebooks

lint: $(STAMP)
	$(BIN)/ruff check .

unit: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 tests

notebooks: $(STAMP)
	$(if $(wildcard notebooks/*.ipynb),$(BIN)/python -m pytest -q -n 2 --nbmake --nbmake-timeout=600 notebooks,@echo "no notebooks yet")

benchmark: $(STAMP)
	$(BIN)/python benchmarks/node_engine_speed.py
	$(BIN)/python benchmarks/digits_accuracy.py
	$(if $(NODEWISE_MNIST_DIR),$(BIN)/python benchmarks/matrix_speed.py,@echo "matrix_speed.py needs MNIST: set NODEWISE_MNIST_DIR")

clean:
	rm -rf $(VENV)
