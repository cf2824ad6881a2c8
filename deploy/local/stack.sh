#!/usr/bin/env bash
# deploy/local/stack.sh - bring up the project's real local stack without Docker.
#
# Runs, on 127.0.0.1 only, as plain background processes:
#   kafka       single-node Apache Kafka 4.1 in KRaft mode (broker + controller), from Maven
#               Central jars cached in $STREAM_LOCAL_DIR/kafka/lib (see deploy/local/kafka/pom.xml)
#   redis       Debian's redis-server, no persistence
#   prometheus  Debian's prometheus server (only when asked for)
#
# Usage: deploy/local/stack.sh <command> [service...]
#   install                        apt-get install what is missing (redis-server, prometheus, kcat,
#                                  java, maven) and fetch the Kafka jars
#   start  [kafka|redis|prometheus|all]   default: kafka redis; idempotent
#   stop   [kafka|redis|prometheus|all]   default: all; no-op for services not running
#   status                         show what runs where
#   logs   [service] [-f] [-n N]   show (or follow) the service logs
#   restart [service...]           stop + start (default: kafka redis)
#   reset                          stop Kafka and delete its data (keeps the jar cache)
#
# Secured mode (STREAM_LOCAL_SECURE=1 with any command): a throwaway CA and certificates made
# with openssl in $STREAM_LOCAL_DIR/secure; Kafka serves SASL_SSL (SCRAM-SHA-512 or PLAIN) on
# STREAM_LOCAL_KAFKA_PORT and SSL with client certificates (mTLS) on STREAM_LOCAL_KAFKA_MTLS_PORT,
# Redis serves TLS only with an ACL user; sasl.env and mtls.env there hold the STREAM_* settings.
#
# State (pid files, data, logs) lives in $STREAM_LOCAL_DIR (default <repo>/.local, git-ignored).
# See deploy/local/README.md for the environment variables.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

STATE_DIR="$(realpath -m "${STREAM_LOCAL_DIR:-$REPO_ROOT/.local}")"
LOG_DIR="$STATE_DIR/logs"
RUN_DIR="$STATE_DIR/run"

KAFKA_PORT="${STREAM_LOCAL_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${STREAM_LOCAL_KAFKA_CONTROLLER_PORT:-9093}"
REDIS_PORT="${STREAM_LOCAL_REDIS_PORT:-6379}"
PROMETHEUS_PORT="${STREAM_LOCAL_PROMETHEUS_PORT:-9090}"
KAFKA_MTLS_PORT="${STREAM_LOCAL_KAFKA_MTLS_PORT:-9094}"
SECURE="${STREAM_LOCAL_SECURE:-0}"
[[ $SECURE == 0 || $SECURE == 1 ]] || { printf '[stack] ERROR: STREAM_LOCAL_SECURE must be 0 or 1\n' >&2; exit 1; }

KAFKA_VERSION="${STREAM_LOCAL_KAFKA_VERSION:-4.1.2}"
KAFKA_FALLBACK_VERSION="4.1.1"
KAFKA_HEAP_OPTS="${STREAM_LOCAL_KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
START_TIMEOUT="${STREAM_LOCAL_START_TIMEOUT:-120}"
STOP_TIMEOUT="${STREAM_LOCAL_STOP_TIMEOUT:-30}"

PROMETHEUS_CONFIG_DEFAULT="$REPO_ROOT/deploy/prometheus/prometheus.yml"
PROMETHEUS_CONFIG="${STREAM_LOCAL_PROMETHEUS_CONFIG:-$PROMETHEUS_CONFIG_DEFAULT}"
PROMETHEUS_SCRAPE_TARGET="${STREAM_LOCAL_PROMETHEUS_SCRAPE_TARGET:-127.0.0.1:9108}"

KAFKA_SRC_DIR="$SCRIPT_DIR/kafka"
KAFKA_DIR="$STATE_DIR/kafka"
KAFKA_LIB_DIR="$KAFKA_DIR/lib"
KAFKA_DATA_DIR="$KAFKA_DIR/data"
KAFKA_PROPS="$KAFKA_DIR/server.properties"
KAFKA_CLUSTER_ID_FILE="$KAFKA_DIR/cluster-id"
KAFKA_PID_FILE="$RUN_DIR/kafka.pid"
KAFKA_LOG="$LOG_DIR/kafka.log"          # written by log4j2 (rolling, capped)
KAFKA_OUT="$LOG_DIR/kafka.out"          # JVM stdout/stderr

REDIS_DIR="$STATE_DIR/redis"
REDIS_PID_FILE="$RUN_DIR/redis.pid"
REDIS_LOG="$LOG_DIR/redis.log"

PROMETHEUS_DIR="$STATE_DIR/prometheus"
PROMETHEUS_PID_FILE="$RUN_DIR/prometheus.pid"
PROMETHEUS_LOG="$LOG_DIR/prometheus.log"

SECURE_DIR="$STATE_DIR/secure"
SECURE_USER="stream"

ALL_SERVICES=(kafka redis prometheus)

# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------
log() { printf '[stack] %s\n' "$*"; }
warn() { printf '[stack] WARNING: %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }

ensure_dirs() { mkdir -p "$STATE_DIR" "$LOG_DIR" "$RUN_DIR"; }

# One stack.sh at a time may start/stop things in a given state dir.
take_lock() {
    ensure_dirs
    exec 9>"$RUN_DIR/stack.lock"
    if command -v flock >/dev/null 2>&1; then
        flock -w 600 9 || die "another stack.sh holds $RUN_DIR/stack.lock"
    fi
}

# port_open PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
    timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# describe_port PORT: who listens there (best effort).
describe_port() {
    if command -v ss >/dev/null 2>&1; then
        ss -Hltnp "sport = :$1" 2>/dev/null | sed 's/^/[stack]     /' || true
    fi
}

# proc_running PID: alive and not a zombie (pid 1 here may reap orphans only every few seconds).
proc_running() {
    kill -0 "$1" 2>/dev/null || return 1
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)
    [[ $state != Z && $state != X ]]
}

# pid_alive PIDFILE PATTERN: prints the pid and succeeds if the pid file names a live process
# whose command line contains PATTERN (guards against pid reuse).
pid_alive() {
    local pidfile=$1 pattern=$2 pid
    [[ -s $pidfile ]] || return 1
    pid=$(tr -dc '0-9' <"$pidfile")
    [[ -n $pid ]] || return 1
    proc_running "$pid" || return 1
    if [[ -r /proc/$pid/cmdline ]]; then
        grep -qF -- "$pattern" < <(tr '\0' ' ' <"/proc/$pid/cmdline") || return 1
    fi
    printf '%s\n' "$pid"
}

# stop_pid NAME PIDFILE PATTERN: SIGTERM, wait up to STOP_TIMEOUT s, then SIGKILL.
stop_pid() {
    local name=$1 pidfile=$2 pattern=$3 pid waited=0 t0
    if ! pid=$(pid_alive "$pidfile" "$pattern"); then
        if [[ -e $pidfile ]]; then
            log "$name: not running (removing stale pid file)"
            rm -f "$pidfile"
        else
            log "$name: not running"
        fi
        return 0
    fi
    t0=$(now_s)
    log "$name: stopping pid $pid (SIGTERM, up to ${STOP_TIMEOUT}s)"
    kill -TERM "$pid" 2>/dev/null || true
    while proc_running "$pid"; do
        if ((waited >= STOP_TIMEOUT * 5)); then
            warn "$name: still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
            break
        fi
        sleep 0.2
        waited=$((waited + 1))
    done
    rm -f "$pidfile"
    log "$name: stopped ($(elapsed "$t0")s)"
}

# spawn PIDFILE OUTFILE CMD...: run CMD detached (own session, nohup), pid written to PIDFILE.
# fd 9 (the stack lock) is closed so that the service does not keep holding the lock.
spawn() {
    local pidfile=$1 outfile=$2
    shift 2
    # shellcheck disable=SC2016  # $$ and $@ are expanded by the inner bash
    nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$outfile" 2>&1 </dev/null 9>&- &
    local _
    for _ in $(seq 1 50); do
        [[ -s $pidfile ]] && return 0
        sleep 0.1
    done
    die "could not start: $*"
}

# refuse_foreign_port NAME PORT: fail clearly if PORT is taken by a process that is not ours.
refuse_foreign_port() {
    local name=$1 port=$2
    if port_open "$port"; then
        printf '[stack] ERROR: %s: port 127.0.0.1:%s is already in use by another process (not started by this script):\n' "$name" "$port" >&2
        describe_port "$port" >&2
        printf '[stack]   stop that process, or pick another port with the matching STREAM_LOCAL_*_PORT variable.\n' >&2
        exit 1
    fi
}

render_template() { # render_template SRC DST KEY=VALUE...
    local src=$1 dst=$2 expr=() kv key val
    shift 2
    for kv in "$@"; do
        key=${kv%%=*}
        val=${kv#*=}
        val=$(printf '%s' "$val" | sed -e 's/[\\|&]/\\&/g')
        expr+=(-e "s|@${key}@|${val}|g")
    done
    sed "${expr[@]}" "$src" >"$dst.tmp"
    mv "$dst.tmp" "$dst"
}

as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

java_ok() {
    command -v java >/dev/null 2>&1 || return 1
    local v
    v=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
    [[ -n $v && ${v%%.*} -ge 17 ]]
}

# ----------------------------------------------------------------------------------------------
# install
# ----------------------------------------------------------------------------------------------
cmd_install() {
    local missing=()
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
    command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
    command -v kcat >/dev/null 2>&1 || missing+=(kcat)
    java_ok || missing+=(openjdk-17-jre-headless)
    command -v mvn >/dev/null 2>&1 || missing+=(maven)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    command -v ss >/dev/null 2>&1 || missing+=(iproute2)
    command -v flock >/dev/null 2>&1 || missing+=(util-linux)

    if ((${#missing[@]} == 0)); then
        log "install: all system packages present"
    else
        log "install: apt-get install ${missing[*]}"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi

    # The Debian packages ship system services (prometheus on :9090, redis on :6379). Without
    # systemd they normally stay down; if one runs, our start on the same port will refuse.
    local name port
    for name in prometheus:$PROMETHEUS_PORT redis:$REDIS_PORT; do
        port=${name#*:}
        if port_open "$port" && ! pid_alive "$RUN_DIR/${name%%:*}.pid" "${name%%:*}" >/dev/null; then
            warn "install: port $port is held by a process not started by stack.sh (a system ${name%%:*} service?):"
            describe_port "$port" >&2
        fi
    done

    ensure_dirs
    kafka_fetch_jars
    log "install: done"
}

# ----------------------------------------------------------------------------------------------
# secured mode: throwaway CA, certificates, passwords, client settings
# ----------------------------------------------------------------------------------------------
# Made once per state dir (kept across restarts and resets, so the SCRAM users written at
# format time keep matching); delete $SECURE_DIR together with the Kafka data to start over.
secure_init() {
    ((SECURE)) || return 0
    if [[ ! -f $SECURE_DIR/.complete ]]; then
        command -v openssl >/dev/null 2>&1 || die "secure: openssl not found (apt-get install openssl)"
        local tmp="$SECURE_DIR.tmp.$$" t0
        t0=$(now_s)
        rm -rf "$tmp"
        mkdir -p "$tmp"
        chmod 700 "$tmp"
        log "secure: generating a throwaway CA, certificates and passwords in $SECURE_DIR"
        (
            cd "$tmp"
            umask 077
            rand() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
            {
                printf 'STACK_KAFKA_USER=%s\nSTACK_KAFKA_PASSWORD=%s\n' "$SECURE_USER" "$(rand)"
                printf 'STACK_REDIS_USER=%s\nSTACK_REDIS_PASSWORD=%s\n' "$SECURE_USER" "$(rand)"
                printf 'STACK_CLIENT_KEY_PASSWORD=%s\n' "$(rand)"
            } >credentials.env
            # shellcheck disable=SC1091
            . ./credentials.env
            openssl req -x509 -new -newkey rsa:2048 -nodes -days 30 -keyout ca.key -out ca.pem \
                -subj "/CN=postings-stream local CA" \
                -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
            # One server certificate for Kafka and Redis, valid for the loopback names. Kafka's
            # own inter-broker connections present it as a client certificate too.
            openssl req -new -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost"
            printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
                "keyUsage=digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth,clientAuth" >server.ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
                -extfile server.ext -out server.pem
            cat server.key server.pem >server-keystore.pem # Kafka's PEM keystore: key + chain
            # The client certificate (mTLS), its key encrypted with STACK_CLIENT_KEY_PASSWORD.
            openssl req -new -newkey rsa:2048 -keyout client.key -passout "pass:$STACK_CLIENT_KEY_PASSWORD" \
                -out client.csr -subj "/CN=stream-client"
            printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
                "extendedKeyUsage=clientAuth" >client.ext
            openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
                -extfile client.ext -out client.pem
            rm -f ./*.csr ./*.ext ca.srl
            printf 'user default off\nuser %s on >%s ~* &* +@all -@dangerous\n' \
                "$STACK_REDIS_USER" "$STACK_REDIS_PASSWORD" >redis-users.acl
        ) >>"$LOG_DIR/secure-init.log" 2>&1 || { tail -n 20 "$LOG_DIR/secure-init.log" >&2; rm -rf "$tmp"; die "secure: openssl failed"; }
        touch "$tmp/.complete"
        rm -rf "$SECURE_DIR"
        mv "$tmp" "$SECURE_DIR"
        log "secure: done ($(elapsed "$t0")s)"
    fi
    # shellcheck disable=SC1091
    . "$SECURE_DIR/credentials.env"
    secure_write_client_env
}

# The STREAM_* settings for a client of this stack (ports may change between starts).
secure_write_client_env() {
    local d=$SECURE_DIR common
    common="STREAM_REDIS__URL=rediss://127.0.0.1:$REDIS_PORT/0
STREAM_REDIS__USERNAME=$STACK_REDIS_USER
STREAM_REDIS__PASSWORD=$STACK_REDIS_PASSWORD
STREAM_REDIS__SSL_CA_CERTS=$d/ca.pem"
    (
        umask 077
        cat >"$d/sasl.env" <<EOF
# Kafka over SASL_SSL (SCRAM-SHA-512), Redis over TLS with an ACL user. Generated by stack.sh.
STREAM_KAFKA__BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT
STREAM_KAFKA__SECURITY_PROTOCOL=SASL_SSL
STREAM_KAFKA__SASL_MECHANISM=SCRAM-SHA-512
STREAM_KAFKA__SASL_USERNAME=$STACK_KAFKA_USER
STREAM_KAFKA__SASL_PASSWORD=$STACK_KAFKA_PASSWORD
STREAM_KAFKA__SSL_CA_LOCATION=$d/ca.pem
$common
EOF
        cat >"$d/mtls.env" <<EOF
# Kafka over SSL with a client certificate (mTLS), Redis over TLS with the same certificate
# and an ACL user. Generated by stack.sh.
STREAM_KAFKA__BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_MTLS_PORT
STREAM_KAFKA__SECURITY_PROTOCOL=SSL
STREAM_KAFKA__SSL_CA_LOCATION=$d/ca.pem
STREAM_KAFKA__SSL_CERTIFICATE_LOCATION=$d/client.pem
STREAM_KAFKA__SSL_KEY_LOCATION=$d/client.key
STREAM_KAFKA__SSL_KEY_PASSWORD=$STACK_CLIENT_KEY_PASSWORD
$common
STREAM_REDIS__SSL_CERTFILE=$d/client.pem
STREAM_REDIS__SSL_KEYFILE=$d/client.key
STREAM_REDIS__SSL_KEY_PASSWORD=$STACK_CLIENT_KEY_PASSWORD
EOF
    )
}

# ----------------------------------------------------------------------------------------------
# kafka
# ----------------------------------------------------------------------------------------------
kafka_jars_present() { [[ -f $KAFKA_LIB_DIR/.complete ]] && compgen -G "$KAFKA_LIB_DIR/kafka_2.13-*.jar" >/dev/null; }

kafka_fetch_version() { # kafka_fetch_version VERSION DIR (mvn output goes to $LOG_DIR/mvn-fetch.log)
    local mvnlog="$LOG_DIR/mvn-fetch.log"
    if (cd "$KAFKA_SRC_DIR" && mvn -B -q -Dstyle.color=never -Dkafka.version="$1" \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
        -DoutputDirectory="$2" -DincludeScope=runtime) >"$mvnlog" 2>&1; then
        return 0
    fi
    warn "kafka: mvn failed for kafka_2.13:$1; last lines of $mvnlog:"
    tail -n 20 "$mvnlog" >&2 || true
    return 1
}

kafka_fetch_jars() {
    if kafka_jars_present && [[ $(cat "$KAFKA_LIB_DIR/.complete") == "$KAFKA_VERSION" ]]; then
        log "kafka: jars for $(cat "$KAFKA_LIB_DIR/.version" 2>/dev/null || echo "$KAFKA_VERSION") already cached in $KAFKA_LIB_DIR"
        return 0
    fi
    command -v mvn >/dev/null 2>&1 || die "kafka: mvn not found; run: $0 install"
    local tmp version t0
    t0=$(now_s)
    tmp="$KAFKA_DIR/lib.tmp.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    version=$KAFKA_VERSION
    log "kafka: fetching kafka_2.13:$version + log4j2 jars from Maven Central"
    if ! kafka_fetch_version "$version" "$tmp"; then
        if [[ -z ${STREAM_LOCAL_KAFKA_VERSION:-} && $version != "$KAFKA_FALLBACK_VERSION" ]]; then
            warn "kafka: fetching $version failed, falling back to $KAFKA_FALLBACK_VERSION"
            rm -rf "$tmp" && mkdir -p "$tmp"
            version=$KAFKA_FALLBACK_VERSION
            kafka_fetch_version "$version" "$tmp" || { rm -rf "$tmp"; die "kafka: mvn could not fetch the jars"; }
        else
            rm -rf "$tmp"
            die "kafka: mvn could not fetch kafka_2.13:$version"
        fi
    fi
    compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || { rm -rf "$tmp"; die "kafka: no kafka_2.13 jar after fetch"; }
    # .complete = the version asked for (the cache key); .version = the version obtained.
    printf '%s\n' "$version" >"$tmp/.version"
    printf '%s\n' "$KAFKA_VERSION" >"$tmp/.complete"
    rm -rf "$KAFKA_LIB_DIR"
    mv "$tmp" "$KAFKA_LIB_DIR"
    log "kafka: $(find "$KAFKA_LIB_DIR" -name '*.jar' | wc -l) jars for $version cached in $KAFKA_LIB_DIR ($(elapsed "$t0")s)"
}

kafka_cluster_id() {
    if [[ ! -s $KAFKA_CLUSTER_ID_FILE ]]; then
        local id=""
        # 16 random bytes, URL-safe base64 without padding (22 chars), must not start with '-'.
        while [[ -z $id || $id == -* ]]; do
            id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
        done
        printf '%s\n' "$id" >"$KAFKA_CLUSTER_ID_FILE"
    fi
    tr -d '[:space:]' <"$KAFKA_CLUSTER_ID_FILE"
}

kafka_java() { # kafka_java MAINCLASS ARGS... (command line, not executed)
    # shellcheck disable=SC2206
    local heap=($KAFKA_HEAP_OPTS)
    printf '%s\0' java "${heap[@]}" -Djava.awt.headless=true \
        -Dkafka.logs.dir="$LOG_DIR" \
        -Dlog4j2.configurationFile="$KAFKA_SRC_DIR/log4j2.properties" \
        -cp "$KAFKA_LIB_DIR/*" "$@"
}

kafka_render_props() {
    mkdir -p "$KAFKA_DATA_DIR"
    render_template "$KAFKA_SRC_DIR/server.properties.tmpl" "$KAFKA_PROPS" \
        KAFKA_PORT="$KAFKA_PORT" CONTROLLER_PORT="$KAFKA_CONTROLLER_PORT" DATA_DIR="$KAFKA_DATA_DIR"
    if ((SECURE)); then
        # Appended: in a properties file the later of two equal keys wins.
        render_template "$KAFKA_SRC_DIR/secure.properties.tmpl" "$KAFKA_PROPS.secure" \
            KAFKA_PORT="$KAFKA_PORT" MTLS_PORT="$KAFKA_MTLS_PORT" CONTROLLER_PORT="$KAFKA_CONTROLLER_PORT" \
            SECURE_DIR="$SECURE_DIR" KAFKA_USER="$STACK_KAFKA_USER" KAFKA_PASSWORD="$STACK_KAFKA_PASSWORD"
        cat "$KAFKA_PROPS.secure" >>"$KAFKA_PROPS"
        rm -f "$KAFKA_PROPS.secure"
        chmod 600 "$KAFKA_PROPS"
    fi
}

kafka_format() {
    local mode=plaintext
    ((SECURE)) && mode=secure
    if [[ -f $KAFKA_DATA_DIR/meta.properties ]]; then
        local formatted_port formatted_mode
        formatted_mode=$(cat "$KAFKA_DIR/formatted-mode" 2>/dev/null || echo plaintext)
        if [[ $formatted_mode != "$mode" ]]; then
            die "kafka: storage in $KAFKA_DATA_DIR was formatted for the $formatted_mode stack, this is the $mode one" \
                "(SCRAM users are written at format time): use another STREAM_LOCAL_DIR or run '$0 reset'"
        fi
        formatted_port=$(cat "$KAFKA_DIR/formatted-controller-port" 2>/dev/null || true)
        if [[ -n $formatted_port && $formatted_port != "$KAFKA_CONTROLLER_PORT" ]]; then
            # The bootstrap voter set keeps the old endpoint; a single node still finds itself
            # (tested), but say so in case the broker does not come up.
            log "kafka: note: storage was formatted with controller port $formatted_port, now $KAFKA_CONTROLLER_PORT" \
                "(run '$0 reset' if the broker does not come up)"
        fi
        return 0
    fi
    local id cmd=()
    id=$(kafka_cluster_id)
    log "kafka: formatting storage in $KAFKA_DATA_DIR (cluster id $id)"
    local scram=()
    ((SECURE)) && scram=(--add-scram "SCRAM-SHA-512=[name=$STACK_KAFKA_USER,password=$STACK_KAFKA_PASSWORD]")
    mapfile -d '' cmd < <(kafka_java kafka.tools.StorageTool format --standalone -t "$id" -c "$KAFKA_PROPS" --ignore-formatted "${scram[@]}")
    if ! "${cmd[@]}" >>"$KAFKA_OUT" 2>&1; then
        tail -n 20 "$KAFKA_OUT" >&2 || true
        die "kafka: storage format failed (see $KAFKA_OUT)"
    fi
    printf '%s\n' "$KAFKA_CONTROLLER_PORT" >"$KAFKA_DIR/formatted-controller-port"
    printf '%s\n' "$mode" >"$KAFKA_DIR/formatted-mode"
}

kafka_log_since() { # kafka_log_since OFFSET: log text written after byte OFFSET
    local off=$1 size
    [[ -f $KAFKA_LOG ]] || return 0
    size=$(stat -c %s "$KAFKA_LOG")
    if ((size < off)); then off=0; fi # rolled over meanwhile
    tail -c +"$((off + 1))" "$KAFKA_LOG"
}

kafka_wait_ready() { # kafka_wait_ready PID LOG_OFFSET T0
    local pid=$1 off=$2 t0=$3 deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
        if ! proc_running "$pid"; then
            log "kafka: process $pid exited during startup; last 50 lines of $KAFKA_LOG:"
            tail -n 50 "$KAFKA_LOG" 2>/dev/null || true
            log "kafka: last lines of $KAFKA_OUT:"
            tail -n 20 "$KAFKA_OUT" 2>/dev/null || true
            rm -f "$KAFKA_PID_FILE"
            return 1
        fi
        if port_open "$KAFKA_PORT"; then
            # (process substitution, not a pipe: grep -q exiting early would SIGPIPE the
            # producer and fail the whole pipeline under pipefail)
            if grep -q 'Kafka Server started' < <(kafka_log_since "$off"); then
                log "kafka: ready on 127.0.0.1:$KAFKA_PORT (pid $pid, $(elapsed "$t0")s)"
                return 0
            fi
            if ((!SECURE)) && command -v kcat >/dev/null 2>&1 &&
                kcat -L -b "127.0.0.1:$KAFKA_PORT" -m 5 -q >/dev/null 2>&1; then
                log "kafka: ready on 127.0.0.1:$KAFKA_PORT (metadata ok, pid $pid, $(elapsed "$t0")s)"
                return 0
            fi
        fi
        sleep 0.5
    done
    log "kafka: not ready after ${START_TIMEOUT}s (STREAM_LOCAL_START_TIMEOUT); last 50 lines of $KAFKA_LOG:"
    tail -n 50 "$KAFKA_LOG" 2>/dev/null || true
    log "kafka: pid $pid is left running; '$0 stop kafka' kills it, '$0 start kafka' waits for it again"
    return 1
}

kafka_start() {
    local pid t0 off cmd=()
    t0=$(now_s)
    if pid=$(pid_alive "$KAFKA_PID_FILE" kafka.Kafka); then
        if port_open "$KAFKA_PORT"; then
            log "kafka: already running (pid $pid, 127.0.0.1:$KAFKA_PORT)"
            return 0
        fi
        log "kafka: pid $pid is alive but port $KAFKA_PORT not open yet; waiting"
        kafka_wait_ready "$pid" 0 "$t0"
        return
    fi
    rm -f "$KAFKA_PID_FILE"
    java_ok || die "kafka: Java 17+ not found; run: $0 install"
    refuse_foreign_port kafka "$KAFKA_PORT"
    refuse_foreign_port kafka-controller "$KAFKA_CONTROLLER_PORT"
    ((SECURE)) && refuse_foreign_port kafka-mtls "$KAFKA_MTLS_PORT"
    mkdir -p "$KAFKA_DIR"
    kafka_fetch_jars
    secure_init
    kafka_render_props
    kafka_format
    off=0
    [[ -f $KAFKA_LOG ]] && off=$(stat -c %s "$KAFKA_LOG")
    mapfile -d '' cmd < <(kafka_java kafka.Kafka "$KAFKA_PROPS")
    if ((SECURE)); then
        log "kafka: starting SASL_SSL on 127.0.0.1:$KAFKA_PORT, mTLS on :$KAFKA_MTLS_PORT (controller :$KAFKA_CONTROLLER_PORT), log $KAFKA_LOG"
    else
        log "kafka: starting on 127.0.0.1:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT), log $KAFKA_LOG"
    fi
    printf '\n===== %s stack.sh start =====\n' "$(date -Is)" >>"$KAFKA_OUT"
    spawn "$KAFKA_PID_FILE" "$KAFKA_OUT" "${cmd[@]}"
    pid=$(tr -dc '0-9' <"$KAFKA_PID_FILE")
    kafka_wait_ready "$pid" "$off" "$t0" || die "kafka: failed to start (logs: $KAFKA_LOG, $KAFKA_OUT)"
}

kafka_stop() { stop_pid kafka "$KAFKA_PID_FILE" kafka.Kafka; }

kafka_status() {
    local pid
    if pid=$(pid_alive "$KAFKA_PID_FILE" kafka.Kafka); then
        if port_open "$KAFKA_PORT"; then
            log "kafka:      running  pid $pid  127.0.0.1:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT)  data $KAFKA_DATA_DIR"
        else
            log "kafka:      starting pid $pid  (port $KAFKA_PORT not open yet)"
        fi
    elif port_open "$KAFKA_PORT"; then
        log "kafka:      stopped  (but port $KAFKA_PORT is held by another process)"
    else
        log "kafka:      stopped"
    fi
}

cmd_reset() {
    take_lock
    kafka_stop
    log "kafka: deleting data dir $KAFKA_DATA_DIR (jar cache $KAFKA_LIB_DIR kept)"
    rm -rf "$KAFKA_DATA_DIR" "$KAFKA_PROPS" "$KAFKA_CLUSTER_ID_FILE" "$KAFKA_DIR/formatted-controller-port" \
        "$KAFKA_DIR/formatted-mode"
    log "reset: done"
}

# ----------------------------------------------------------------------------------------------
# redis
# ----------------------------------------------------------------------------------------------
redis_ping() {
    if ((SECURE)); then
        [[ -f $SECURE_DIR/credentials.env ]] || return 1
        # shellcheck disable=SC1091
        . "$SECURE_DIR/credentials.env"
        # (REDISCLI_AUTH, not --pass: keeps the password out of the process list)
        [[ $(REDISCLI_AUTH=$STACK_REDIS_PASSWORD redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --tls \
            --cacert "$SECURE_DIR/ca.pem" --user "$STACK_REDIS_USER" ping 2>/dev/null) == PONG ]]
        return
    fi
    [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
}

redis_start() {
    local pid t0 deadline
    t0=$(now_s)
    command -v redis-server >/dev/null 2>&1 || die "redis: redis-server not found; run: $0 install"
    if pid=$(pid_alive "$REDIS_PID_FILE" redis-server) && redis_ping; then
        log "redis: already running (pid $pid, 127.0.0.1:$REDIS_PORT)"
        return 0
    fi
    if [[ -z ${pid:-} ]]; then
        rm -f "$REDIS_PID_FILE"
        refuse_foreign_port redis "$REDIS_PORT"
        mkdir -p "$REDIS_DIR"
        local listen=(--port "$REDIS_PORT")
        if ((SECURE)); then
            secure_init
            # TLS only, no plaintext port; client certificates are checked when given (mTLS)
            # but not required; the default user is off, so every client logs in (ACL).
            listen=(--port 0 --tls-port "$REDIS_PORT" --tls-cert-file "$SECURE_DIR/server.pem"
                --tls-key-file "$SECURE_DIR/server.key" --tls-ca-cert-file "$SECURE_DIR/ca.pem"
                --tls-auth-clients optional --aclfile "$SECURE_DIR/redis-users.acl")
            log "redis: starting TLS + ACL on 127.0.0.1:$REDIS_PORT, log $REDIS_LOG"
        else
            log "redis: starting on 127.0.0.1:$REDIS_PORT, log $REDIS_LOG"
        fi
        redis-server --daemonize yes --bind 127.0.0.1 "${listen[@]}" \
            --save "" --appendonly no --dir "$REDIS_DIR" \
            --pidfile "$REDIS_PID_FILE" --logfile "$REDIS_LOG" 9>&-
    fi
    deadline=$((SECONDS + START_TIMEOUT))
    until redis_ping; do
        if ((SECONDS >= deadline)); then
            log "redis: no PONG after ${START_TIMEOUT}s; last 50 lines of $REDIS_LOG:"
            tail -n 50 "$REDIS_LOG" 2>/dev/null || true
            die "redis: failed to start"
        fi
        sleep 0.1
    done
    pid=$(pid_alive "$REDIS_PID_FILE" redis-server || echo '?')
    log "redis: ready on 127.0.0.1:$REDIS_PORT (pid $pid, $(elapsed "$t0")s)"
}

redis_stop() { stop_pid redis "$REDIS_PID_FILE" redis-server; }

redis_status() {
    local pid
    if pid=$(pid_alive "$REDIS_PID_FILE" redis-server); then
        if redis_ping; then
            log "redis:      running  pid $pid  127.0.0.1:$REDIS_PORT"
        else
            log "redis:      running  pid $pid  (no PONG on port $REDIS_PORT)"
        fi
    elif port_open "$REDIS_PORT"; then
        log "redis:      stopped  (but port $REDIS_PORT is held by another process)"
    else
        log "redis:      stopped"
    fi
}

# ----------------------------------------------------------------------------------------------
# prometheus
# ----------------------------------------------------------------------------------------------
prometheus_ready() { curl -fsS --max-time 2 "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" >/dev/null 2>&1; }

prometheus_config() {
    if [[ -f $PROMETHEUS_CONFIG ]]; then
        printf '%s\n' "$PROMETHEUS_CONFIG"
        return 0
    fi
    if [[ -n ${STREAM_LOCAL_PROMETHEUS_CONFIG:-} ]]; then
        die "prometheus: STREAM_LOCAL_PROMETHEUS_CONFIG=$STREAM_LOCAL_PROMETHEUS_CONFIG does not exist"
    fi
    local gen="$PROMETHEUS_DIR/prometheus.yml"
    cat >"$gen" <<EOF
# Generated by deploy/local/stack.sh because $PROMETHEUS_CONFIG_DEFAULT does not exist.
global:
  scrape_interval: 5s
  evaluation_interval: 5s
scrape_configs:
  - job_name: stream-service
    static_configs:
      - targets: ["$PROMETHEUS_SCRAPE_TARGET"]
EOF
    printf '%s\n' "$gen"
}

prometheus_start() {
    local pid t0 deadline cfg
    t0=$(now_s)
    command -v prometheus >/dev/null 2>&1 || die "prometheus: binary not found; run: $0 install"
    if pid=$(pid_alive "$PROMETHEUS_PID_FILE" prometheus); then
        if prometheus_ready; then
            log "prometheus: already running (pid $pid, http://127.0.0.1:$PROMETHEUS_PORT)"
            return 0
        fi
        log "prometheus: pid $pid alive but not ready yet; waiting"
    else
        rm -f "$PROMETHEUS_PID_FILE"
        refuse_foreign_port prometheus "$PROMETHEUS_PORT"
        mkdir -p "$PROMETHEUS_DIR/data"
        cfg=$(prometheus_config)
        if command -v promtool >/dev/null 2>&1 && ! promtool check config "$cfg" >/dev/null 2>&1; then
            promtool check config "$cfg" >&2 || true
            die "prometheus: invalid config $cfg"
        fi
        log "prometheus: starting on 127.0.0.1:$PROMETHEUS_PORT with $cfg, log $PROMETHEUS_LOG"
        printf '\n===== %s stack.sh start =====\n' "$(date -Is)" >>"$PROMETHEUS_LOG"
        spawn "$PROMETHEUS_PID_FILE" "$PROMETHEUS_LOG" prometheus \
            --config.file="$cfg" \
            --storage.tsdb.path="$PROMETHEUS_DIR/data" \
            --storage.tsdb.retention.time=2d \
            --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" \
            --web.enable-lifecycle
        pid=$(tr -dc '0-9' <"$PROMETHEUS_PID_FILE")
    fi
    deadline=$((SECONDS + START_TIMEOUT))
    until prometheus_ready; do
        if ! proc_running "$pid" || ((SECONDS >= deadline)); then
            log "prometheus: not ready; last 50 lines of $PROMETHEUS_LOG:"
            tail -n 50 "$PROMETHEUS_LOG" 2>/dev/null || true
            proc_running "$pid" || rm -f "$PROMETHEUS_PID_FILE"
            die "prometheus: failed to start"
        fi
        sleep 0.2
    done
    log "prometheus: ready on http://127.0.0.1:$PROMETHEUS_PORT (pid $pid, $(elapsed "$t0")s)"
}

prometheus_stop() { stop_pid prometheus "$PROMETHEUS_PID_FILE" prometheus; }

prometheus_status() {
    local pid
    if pid=$(pid_alive "$PROMETHEUS_PID_FILE" prometheus); then
        if prometheus_ready; then
            log "prometheus: running  pid $pid  http://127.0.0.1:$PROMETHEUS_PORT"
        else
            log "prometheus: starting pid $pid  (not ready on port $PROMETHEUS_PORT)"
        fi
    elif port_open "$PROMETHEUS_PORT"; then
        log "prometheus: stopped  (but port $PROMETHEUS_PORT is held by another process)"
    else
        log "prometheus: stopped"
    fi
}

# ----------------------------------------------------------------------------------------------
# commands
# ----------------------------------------------------------------------------------------------
# services DEFAULT... -- ARGS...: expand the service arguments ("all" = every service).
parse_services() {
    local defaults=() args=() s
    while (($#)) && [[ $1 != -- ]]; do defaults+=("$1"); shift; done
    (($#)) && shift
    args=("$@")
    ((${#args[@]})) || args=("${defaults[@]}")
    for s in "${args[@]}"; do
        case $s in
            all) printf '%s\n' "${ALL_SERVICES[@]}" ;;
            kafka | redis | prometheus) printf '%s\n' "$s" ;;
            *) die "unknown service '$s' (expected kafka, redis, prometheus or all)" ;;
        esac
    done | awk '!seen[$0]++'
}

cmd_start() {
    local services s
    services=$(parse_services kafka redis -- "$@")
    take_lock
    for s in $services; do "${s}_start"; done
}

cmd_stop() {
    local services s
    services=$(parse_services "${ALL_SERVICES[@]}" -- "$@")
    take_lock
    for s in $services; do "${s}_stop"; done
}

cmd_status() {
    log "state dir: $STATE_DIR"
    if ((SECURE)); then
        log "secured mode: client settings in $SECURE_DIR/sasl.env (SASL_SSL :$KAFKA_PORT) and mtls.env (mTLS :$KAFKA_MTLS_PORT)"
    fi
    kafka_status
    redis_status
    prometheus_status
}

cmd_logs() {
    local follow=0 lines=50 services=() files=() s
    while (($#)); do
        case $1 in
            -f | --follow) follow=1 ;;
            -n) lines=${2:?-n needs a number}; shift ;;
            *) services+=("$1") ;;
        esac
        shift
    done
    local selected
    selected=$(parse_services "${ALL_SERVICES[@]}" -- "${services[@]}")
    for s in $selected; do
        case $s in
            kafka) files+=("$KAFKA_LOG" "$KAFKA_OUT") ;;
            redis) files+=("$REDIS_LOG") ;;
            prometheus) files+=("$PROMETHEUS_LOG") ;;
        esac
    done
    local existing=()
    for s in "${files[@]}"; do [[ -f $s ]] && existing+=("$s"); done
    ((${#existing[@]})) || { log "no logs yet in $LOG_DIR"; return 0; }
    if ((follow)); then
        exec tail -n "$lines" -F "${existing[@]}"
    fi
    tail -n "$lines" "${existing[@]}"
}

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

main() {
    local command=${1:-}
    (($#)) && shift
    case $command in
        install) cmd_install "$@" ;;
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        restart) (($#)) || set -- kafka redis; cmd_stop "$@" && cmd_start "$@" ;;
        status) cmd_status ;;
        logs) cmd_logs "$@" ;;
        reset) cmd_reset ;;
        -h | --help | help) usage ;;
        "") usage; exit 2 ;;
        *) usage >&2; die "unknown command '$command'" ;;
    esac
}

main "$@"
