#!/usr/bin/env bash
# Sets up creditbot in ./.venv and runs the demo on an embedded SQLite database.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
.venv/bin/creditbot demo "$@"
