#!/usr/bin/env bash
# The end-to-end demo on the real local stack: installs what is missing, starts Kafka and Redis,
# creates this run's topics, starts the worker, publishes real sample postings (the seed
# posting and LinkedIn rows from ../shared/data, or the bundled example when that is absent)
# plus one malformed line, prints the enriched output, the dead letter and the metrics, starts
# the market-trends app over the change events and prints today's top skills, then stops
# everything it started and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

bash scripts/bootstrap.sh

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
started=()
port_open "${STREAM_LOCAL_KAFKA_PORT:-9092}" || started+=(kafka)
port_open "${STREAM_LOCAL_REDIS_PORT:-6379}" || started+=(redis)
worker_pid=""
trends_pid=""
cleanup() {
  for pid in "$worker_pid" "$trends_pid"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" && wait "$pid" || true
    fi
  done
  [ ${#started[@]} -eq 0 ] || bash deploy/local/stack.sh stop "${started[@]}" >&2 || true
}
trap cleanup EXIT

say "starting Kafka and Redis on loopback"
[ ${#started[@]} -eq 0 ] || bash deploy/local/stack.sh start "${started[@]}" >&2

# Topics of our own per run, so the output shown is exactly this run's.
run_id="demo-$(date +%Y%m%d%H%M%S)"
export STREAM_TOPICS__RAW="$run_id.postings.raw"
export STREAM_TOPICS__ENRICHED="$run_id.postings.enriched"
export STREAM_TOPICS__CHANGES="$run_id.postings.changes"
export STREAM_TOPICS__DLQ="$run_id.postings.dlq"
export STREAM_TRENDS__TRENDS_TOPIC="$run_id.skills.trends"
export STREAM_TRENDS__OCCUPATIONS_TOPIC="$run_id.occupations.trends"
export STREAM_TRENDS__RISING_TOPIC="$run_id.skills.rising"
export STREAM_TOPICS__PARTITIONS=3
export STREAM_KAFKA__GROUP_ID="$run_id-enricher"
export STREAM_REDIS__URL="redis://127.0.0.1:${STREAM_LOCAL_REDIS_PORT:-6379}/0"
export STREAM_KAFKA__BOOTSTRAP_SERVERS="127.0.0.1:${STREAM_LOCAL_KAFKA_PORT:-9092}"
metrics_port="${STREAM_WORKER__METRICS_PORT:-9108}"
export STREAM_WORKER__METRICS_PORT="$metrics_port"
export STREAM_LOG_FORMAT=console

say "creating topics ($run_id.*)"
.venv/bin/stream topics create

say "starting the worker (stream run), log in .local/logs/$run_id-worker.log"
mkdir -p .local/logs .local/demo
.venv/bin/stream run >".local/logs/$run_id-worker.log" 2>&1 &
worker_pid=$!

input=".local/demo/$run_id.jsonl"
if .venv/bin/stream samples --linkedin 5 >"$input" 2>/dev/null; then
  say "publishing $(wc -l <"$input") real sample postings (seed + LinkedIn) and one malformed line"
else
  say "../shared/data not found: publishing the bundled example posting and one malformed line"
  python3 -c 'import json,sys; print(json.dumps(json.load(open("schemas/examples/raw_posting.json"))))' >"$input"
fi
echo '{"source": "demo", "source_id": "broken-1", "title": "No description field"}' >>"$input"
expected=$(wc -l <"$input")
.venv/bin/stream publish "$input"

say "enriched postings ($STREAM_TOPICS__ENRICHED), one line each"
.venv/bin/stream tail "$STREAM_TOPICS__ENRICHED" --from-beginning --format summary \
  --max-messages $((expected - 1)) --idle-timeout 60
say "dead letters ($STREAM_TOPICS__DLQ)"
.venv/bin/stream tail "$STREAM_TOPICS__DLQ" --from-beginning --format summary \
  --max-messages 1 --idle-timeout 30
first_key=$(python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); print(d["source"]+":"+d["source_id"])' "$input")
say "the first posting ($first_key), enriched (long text cut for display)"
.venv/bin/stream tail "$STREAM_TOPICS__ENRICHED" --from-beginning --key "$first_key" \
  --max-messages 1 --idle-timeout 30

say "re-scraping: the same postings again, and the first one with a new title"
rescrape=".local/demo/$run_id-rescrape.jsonl"
grep -v broken-1 "$input" >"$rescrape"
python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); d["title"]="(Updated) "+d["title"]; print(json.dumps(d))' "$input" >>"$rescrape"
.venv/bin/stream publish "$rescrape"
say "change events ($STREAM_TOPICS__CHANGES): one 'new' per posting, one 'updated', nothing for unchanged re-scrapes"
.venv/bin/stream tail "$STREAM_TOPICS__CHANGES" --from-beginning --format summary \
  --max-messages "$expected" --idle-timeout 30

say "metrics at http://127.0.0.1:$metrics_port/metrics (selection)"
curl -fsS "http://127.0.0.1:$metrics_port/metrics" \
  | grep -E '^stream_(messages|postings_(enriched|unchanged)|change_events|dlq|cache_requests|salary_found|transaction_commit_duration_seconds_count|assigned|build|taxonomy_info)' \
  || true

say "market trends: stream trends (Faust) over $STREAM_TOPICS__CHANGES, log in .local/logs/$run_id-trends.log"
trends_port="${STREAM_TRENDS__WEB_PORT:-6066}"
STREAM_TRENDS__APP_ID="$run_id-trends" STREAM_TRENDS__WEB_PORT="$trends_port" \
  STREAM_TRENDS__DATA_DIR=".local/demo/$run_id-trends" STREAM_REDIS__KEY_PREFIX="$run_id" \
  .venv/bin/stream trends >".local/logs/$run_id-trends.log" 2>&1 &
trends_pid=$!
# Wait (polling, at most 120 s) until it has read every change event, then ask for today's top
# skills: today's window is still open (it closes 6 h after midnight UTC, docs/trends.md).
read_events() {
  curl -fsS "http://127.0.0.1:$trends_port/metrics" 2>/dev/null \
    | awk '/^stream_trends_events_total/ {n += $2} END {print n + 0}'
}
# As many as the worker wrote (fewer than the postings when Redis already knew them).
changes=$(curl -fsS "http://127.0.0.1:$metrics_port/metrics" \
  | awk '/^stream_change_events_total/ {n += $2} END {print n + 0}')
for _ in $(seq 240); do
  [ "$(read_events)" -ge "$changes" ] && break
  kill -0 "$trends_pid" 2>/dev/null || { echo "stream trends exited; see its log" >&2; exit 1; }
  sleep 0.5
done
[ "$(read_events)" -ge "$changes" ] || { echo "stream trends did not read the change events" >&2; exit 1; }
say "top skills today (GET /trends/top?window=open&n=10 on port $trends_port)"
curl -fsS "http://127.0.0.1:$trends_port/trends/top?window=open&n=10" | python3 -c '
import json, sys
for row in json.load(sys.stdin)["rows"]:
    pay = row["pay"]
    median = "  median pay {:,.0f} USD/yr".format(pay["p50"]) if pay else ""
    print("{:4d}  {}{}".format(row["postings"], row["skill_name"], median))
'
say "top occupations today (GET /trends/occupations?window=open&n=6; * = every posting)"
curl -fsS "http://127.0.0.1:$trends_port/trends/occupations?window=open&n=6" | python3 -c '
import json, sys
for row in json.load(sys.stdin)["rows"]:
    print("{:4d}  {:4}  {}".format(row["postings"], row["isco_code"], row["isco_label"] or "all postings"))
'

say "done: stopping the worker and what this demo started (logs stay in $ROOT/.local/logs)"
