#!/usr/bin/env bash
# Sets up creditbot with its development tools in ./.venv and runs every check:
# ruff (lint and format), mypy (strict on scoring/ and storage/), the layer
# contract (import-linter) and the whole pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/python -m pytest "$@"
