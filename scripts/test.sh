#!/usr/bin/env bash
# The test command: set up, lint, type-check, check the contracts, start the real local stack
# (Kafka + Redis) and run every test, unit and integration. Stops what it started.
# Extra arguments go to pytest (e.g. scripts/test.sh -k cache).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[test] %s\n' "$*" >&2; }

bash scripts/bootstrap.sh

log "ruff"
.venv/bin/ruff check stream tests benchmarks scripts grafana
.venv/bin/ruff format --check stream tests benchmarks scripts grafana
log "mypy --strict: stream, tests, scripts, grafana ([tool.mypy] files); then benchmarks"
.venv/bin/mypy
# benchmarks/ apart: its scripts import one another as top-level modules (see pyproject.toml).
MYPYPATH=benchmarks .venv/bin/mypy benchmarks
log "native/: cargo fmt --check, clippy -D warnings, cargo test"
(cd native && cargo fmt --check && cargo clippy --release --all-targets --quiet -- -D warnings \
  && cargo test --release --quiet)
log "schemas in sync with the models"
.venv/bin/stream schemas check schemas
log "prometheus config and rules (promtool), metrics catalog, dashboards in sync"
promtool check config deploy/prometheus/prometheus.yml
promtool test rules deploy/prometheus/tests/*.yml
.venv/bin/python -m stream.ops.catalog --check
.venv/bin/python grafana/generate.py --check

# Stop afterwards only what this run started: a developer's running stack is left alone.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
started=()
port_open "${STREAM_LOCAL_KAFKA_PORT:-9092}" || started+=(kafka)
port_open "${STREAM_LOCAL_REDIS_PORT:-6379}" || started+=(redis)
cleanup() { [ ${#started[@]} -eq 0 ] || bash deploy/local/stack.sh stop "${started[@]}" >&2 || true; }
trap cleanup EXIT
[ ${#started[@]} -eq 0 ] || bash deploy/local/stack.sh start "${started[@]}" >&2

log "pytest"
.venv/bin/pytest "$@"
