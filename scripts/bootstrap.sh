#!/usr/bin/env bash
# Install everything the project needs on a fresh Debian machine (run as root), idempotently:
# system packages and the Kafka jars (via deploy/local/stack.sh install), uv, and the Python
# environment in .venv/ from the lockfile. Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[bootstrap] %s\n' "$*" >&2; }

bash deploy/local/stack.sh install

if ! command -v uv >/dev/null 2>&1; then
  log "installing uv"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore uv
fi

log "syncing .venv from uv.lock"
uv sync --frozen --quiet
log "ready: $(.venv/bin/stream --version) in .venv/"
