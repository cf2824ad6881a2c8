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

# The compiled skill scan (native/, Rust) is built while syncing: it needs cargo and a
# C linker (gcc). rustup's default location is not always on PATH in non-login shells.
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
  log "native/ needs Rust >= 1.85 (pyo3's minimum), which Debian 12 does not package:"
  log "install it with rustup (https://rustup.rs), then run this again"
  exit 1
fi
log "using $(cargo --version) for native/"

log "syncing .venv from uv.lock"
# Bytecode is compiled now, once: a shell with PYTHONDONTWRITEBYTECODE=1 (these machines set
# it, as does the container) would otherwise recompile pydantic & co. from source on every
# command, and `stream config` would take ~0.5 s instead of ~0.25 s. The project's own
# sources (editable install) are compiled too; Python ignores a .pyc older than its source.
uv sync --frozen --quiet --compile-bytecode
.venv/bin/python -m compileall -q stream >/dev/null
log "ready: $(.venv/bin/stream --version) in .venv/"
