#!/usr/bin/env bash
# Sets up creditbot with its development tools in ./.venv and runs every check:
# ruff (lint and format), mypy (strict on scoring/ and storage/), the layer
# contract (import-linter) and the whole pytest suite. The database tests run on SQLite
# and on PostgreSQL: TEST_DATABASE_URL's server, or else a throw-away cluster the tests
# start when PostgreSQL is installed (they are skipped without it, except in CI).
# pytest runs in two processes (pytest-xdist): most of a test's time is waiting for a
# server, a subprocess or a database, so two halve the run even on two cores.
# PYTEST_WORKERS=N sets how many (0: in this process). --dist worksteal gives each
# worker half the files in order (a module's shared set-up is built once, not on both)
# and lets a worker that runs out take what still waits for the other, so no slow test
# at the end keeps one core idle.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev,postgres]'
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" --dist worksteal "$@"
