#!/usr/bin/env bash
# ruff (PyPI) for the Python runner, pinned, in its own small venv under .cache/ (the TypeScript linters come from npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.cache/lint-venv
RUFF=ruff==0.14.10
if [ -x "$VENV/bin/ruff" ] && [ "$("$VENV/bin/ruff" --version)" = "ruff ${RUFF#ruff==}" ]; then
  exit 0
fi
/usr/bin/python3 -m venv "$VENV"
"$VENV/bin/pip" install --disable-pip-version-check -q "$RUFF"
"$VENV/bin/ruff" --version >&2
