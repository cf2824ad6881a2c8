#!/usr/bin/env bash
# scripts/container.sh - build, run and test the project's image from the one Dockerfile.
#
# Usage: scripts/container.sh <command> [args]
#   build         build postings-stream:<version> (prints build time and image size)
#   run [ARGS]    run the image on the host network with a read-only root filesystem, as the
#                 deploy manifests do (default ARGS: run, i.e. the worker); prints the command
#   test          build, start Kafka + Redis if they are not running, run the container test
#                 (tests/container, real worker container end to end), stop what it started
#   bases         only make the local base images (see below)
#   info          engine, image, size, labels
#
# Engine: podman when installed (with runc: Debian's crun refuses this machine kind's hybrid
# cgroups), else docker when its daemon answers, else podman + runc are installed with apt-get.
# Bases: the Dockerfile's defaults are the official images (python, rust, uv). When they
# cannot be pulled (no registry, as here), local equivalents are made and passed as build
# arguments: Debian bookworm + python3 (3.11) by debootstrap, cached under .local/container/,
# and a toolchain image holding the host's Rust toolchain (the version the Dockerfile pins)
# and uv. The native wheel is compiled inside the builder stage either way (see the README,
# "Container image", for why). A CA bundle for proxies is a build secret, never in a layer.
#
# Environment:
#   CONTAINER_ENGINE       podman | docker (default: detected as above)
#   CONTAINER_BASES        auto | official | local (default auto: official if pullable)
#   CONTAINER_CA_BUNDLE    CA bundle mounted as the build secret `ca_bundle`
#                          (default /etc/ssl/certs/ca-certificates.crt when present)
#   STREAM_IMAGE           image name (default postings-stream); the tag is the package version
#   STREAM_IMAGE_SOURCE    org.opencontainers.image.source (default: git remote origin)
#   STREAM_CONTAINER_WAIT  seconds each wait of the container test may take (default 180)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

log() { printf '[container] %s\n' "$*" >&2; }
die() { printf '[container] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}
apt_install() {
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2
}

VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -n 1)
[ -n "$VERSION" ] || die "no version in pyproject.toml"
IMAGE="${STREAM_IMAGE:-postings-stream}:$VERSION"
STATE="$ROOT/.local/container"
dockerfile_default() { sed -n "s/^ARG $1=//p" Dockerfile; }

# ---- engine ----------------------------------------------------------------------------------
ENGINE=()        # the engine command with its global flags
BUILD_FLAGS=()   # flags this machine kind needs for builds
RUN_FLAGS=()     # ... and for runs
pick_engine() {
  local engine=${CONTAINER_ENGINE:-}
  if [ -z "$engine" ]; then
    if command -v podman >/dev/null 2>&1; then engine=podman
    elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then engine=docker
    else engine=podman
    fi
  fi
  case $engine in
    podman)
      local need=()
      command -v podman >/dev/null 2>&1 || need+=(podman)
      command -v runc >/dev/null 2>&1 || need+=(runc)
      [ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
      ENGINE=(podman --runtime runc)
      # podman's default ulimits exceed this machine kind's hard limits ("setrlimit: Operation
      # not permitted"): ask for what the host allows, capped.
      local nofile nproc
      nofile=$(ulimit -Hn); [ "$nofile" = unlimited ] && nofile=65536
      nproc=$(ulimit -Hu); [ "$nproc" = unlimited ] && nproc=4096
      ((nofile > 65536)) && nofile=65536
      ((nproc > 4096)) && nproc=4096
      # --format docker keeps HEALTHCHECK (the OCI image format has no such field).
      BUILD_FLAGS=(--format docker --network host --ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")
      RUN_FLAGS=(--network host --ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")
      ;;
    docker)
      docker info >/dev/null 2>&1 || die "docker: no daemon answers (set CONTAINER_ENGINE=podman)"
      ENGINE=(docker)
      export DOCKER_BUILDKIT=1  # build secrets and cache mounts
      BUILD_FLAGS=(--network host)
      RUN_FLAGS=(--network host)
      ;;
    *) die "CONTAINER_ENGINE must be podman or docker, not '$engine'" ;;
  esac
  log "engine: ${ENGINE[*]} ($("${ENGINE[0]}" --version 2>/dev/null | head -n 1))"
}
image_exists() { "${ENGINE[@]}" image inspect "$1" >/dev/null 2>&1; }

# ---- bases -----------------------------------------------------------------------------------
BASE_ARGS=()     # --build-arg for local bases (empty: the Dockerfile's defaults)

debian_mirror() {
  local uri
  uri=$(sed -n 's/^URIs: *\(http[^ ]*debian\/*\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
  [ -n "$uri" ] || uri=$(sed -n 's/^deb \(http[^ ]*\) bookworm main.*/\1/p' /etc/apt/sources.list 2>/dev/null | head -n 1)
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# The runtime base: Debian bookworm (minbase) + python3 (3.11) + CA certificates, trimmed of
# documentation and package caches like the official slim images. The rootfs tarball is cached.
PY_PACKAGES="python3,ca-certificates"
local_python_base() {
  local key tag tarball rootfs t0
  key=$(printf 'bookworm minbase %s v1' "$PY_PACKAGES" | sha256sum | cut -c1-12)
  tag="localhost/postings-stream-base/python:3.11-bookworm-$key"
  if image_exists "$tag"; then log "base: $tag (present)"; printf '%s\n' "$tag"; return; fi
  tarball="$STATE/debian-bookworm-python3-$key.tar"
  if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
    t0=$(now)
    rootfs="$STATE/rootfs-$key"
    as_root rm -rf "$rootfs"
    mkdir -p "$STATE"
    log "base: debootstrap bookworm ($PY_PACKAGES) from $(debian_mirror) into $rootfs"
    as_root debootstrap --variant=minbase --include="$PY_PACKAGES" bookworm "$rootfs" "$(debian_mirror)" \
      >"$STATE/debootstrap.log" 2>&1 || { tail -n 30 "$STATE/debootstrap.log" >&2; die "debootstrap failed"; }
    # Slim, as Debian's official -slim images: no docs (copyright files stay), man pages,
    # locales or package caches; later apt installs (the builder's gcc) stay slim too.
    as_root sh -c "cd '$rootfs' \
      && rm -rf var/cache/apt/*.bin var/cache/apt/archives/*.deb var/lib/apt/lists/* var/log/* \
      && rm -rf usr/share/man/* usr/share/info/* usr/share/locale/* usr/share/lintian \
      && find usr/share/doc -type f ! -name copyright -delete \
      && find usr/share/doc -depth -type d -empty -delete \
      && printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
           'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' \
           'path-exclude /usr/share/locale/*' >etc/dpkg/dpkg.cfg.d/docker-slim"
    as_root tar -C "$rootfs" --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    as_root rm -rf "$rootfs"
    log "base: rootfs cached in $tarball ($(du -h "$tarball" | cut -f1), $(since "$t0") s)"
  fi
  "${ENGINE[@]}" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' \
    "$tarball" "$tag" >/dev/null
  log "base: $tag imported"
  printf '%s\n' "$tag"
}

# The toolchain image: the host's Rust toolchain (must be the version the Dockerfile pins in
# RUST_IMAGE) at the official rust image's paths, and the host's uv at the uv image's path.
host_uv() {
  local uv
  uv=$(python3 -c 'import uv; print(uv.find_uv_bin())' 2>/dev/null) || uv=$(command -v uv) || true
  # The binary itself (not a pyenv shim script): it is copied into the image.
  if [ -z "$uv" ] || [ "$(head -c 4 "$uv" | tail -c 3)" != ELF ]; then
    die "no uv binary on the host (scripts/bootstrap.sh installs it)"
  fi
  printf '%s\n' "$uv"
}
local_toolchain() {
  local want rustc sysroot have uv uvv tag stage
  want=$(dockerfile_default RUST_IMAGE | sed -n 's/.*rust:\([0-9.]*\)-.*/\1/p')
  [ -n "$want" ] || die "cannot read the Rust version from ARG RUST_IMAGE in the Dockerfile"
  rustc=$(command -v rustc || echo "$HOME/.cargo/bin/rustc")
  [ -x "$rustc" ] || die "no rustc on the host: install Rust $want with rustup"
  have=$("$rustc" --version | awk '{print $2}')
  sysroot=$("$rustc" --print sysroot)
  case $have in
    "$want" | "$want".*) ;;
    *) if "$rustc" "+$want" --version >/dev/null 2>&1; then
         have=$("$rustc" "+$want" --version | awk '{print $2}')
         sysroot=$("$rustc" "+$want" --print sysroot)
       else
         die "the Dockerfile pins Rust $want, the host has $have: rustup toolchain install $want"
       fi ;;
  esac
  uv=$(host_uv)
  uvv=$("$uv" --version | awk '{print $2}')
  tag="localhost/postings-stream-base/toolchain:rust-$have-uv-$uvv"
  if image_exists "$tag"; then log "toolchain: $tag (present)"; printf '%s\n' "$tag"; return; fi
  local t0; t0=$(now)
  stage="$STATE/toolchain-stage"
  rm -rf "$stage"
  mkdir -p "$stage/usr/local/cargo/bin" "$stage/usr/local/rustup/toolchains"
  cp "$uv" "$stage/uv"
  ln -s "../../rustup/toolchains/$have/bin/cargo" "$stage/usr/local/cargo/bin/cargo"
  ln -s "../../rustup/toolchains/$have/bin/rustc" "$stage/usr/local/cargo/bin/rustc"
  log "toolchain: Rust $have from $sysroot (without docs) and uv $uvv -> $tag"
  # Only what compiling needs: cargo, rustc, the libraries (rust-std, LLVM, rust-lld).
  tar -C "$sysroot" --transform "s,^,usr/local/rustup/toolchains/$have/," \
      -cf "$STATE/toolchain.tar" bin/cargo bin/rustc lib libexec
  tar -C "$stage" -rf "$STATE/toolchain.tar" .
  "${ENGINE[@]}" import "$STATE/toolchain.tar" "$tag" >/dev/null
  rm -rf "$stage" "$STATE/toolchain.tar"
  log "toolchain: imported ($(since "$t0") s)"
  printf '%s\n' "$tag"
}

official_pullable() {
  local ref
  for ref in "$(dockerfile_default PYTHON_IMAGE)" "$(dockerfile_default RUST_IMAGE)" "$(dockerfile_default UV_IMAGE)"; do
    image_exists "$ref" && continue
    timeout 300 "${ENGINE[@]}" pull "$ref" >/dev/null 2>&1 || { log "bases: cannot pull $ref"; return 1; }
  done
}

pick_bases() {
  local mode=${CONTAINER_BASES:-auto} py tc
  if [ "$mode" = auto ]; then
    if official_pullable; then mode=official; else mode=local; fi
  fi
  case $mode in
    official) log "bases: the Dockerfile's defaults (official images)"; BASE_ARGS=() ;;
    local)
      mkdir -p "$STATE"
      py=$(local_python_base)
      tc=$(local_toolchain)
      BASE_ARGS=(--build-arg "PYTHON_IMAGE=$py" --build-arg "RUST_IMAGE=$tc" --build-arg "UV_IMAGE=$tc")
      ;;
    *) die "CONTAINER_BASES must be auto, official or local, not '$mode'" ;;
  esac
}

# ---- commands --------------------------------------------------------------------------------
image_size_mb() {
  "${ENGINE[@]}" image inspect --format '{{.Size}}' "$IMAGE" | awk '{ printf "%.1f", $1 / 1e6 }'
}

cmd_build() {
  mkdir -p "$STATE"
  pick_engine
  pick_bases
  local ca=${CONTAINER_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt} secret=() source revision created t0
  if [ -s "$ca" ]; then secret=(--secret "id=ca_bundle,src=$ca"); log "build secret ca_bundle: $ca"; fi
  revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
  git diff --quiet HEAD 2>/dev/null || revision="$revision-dirty"
  # The commit's time, not the build's: rebuilding a commit changes no layer, not even labels.
  created=$(TZ=UTC git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd 2>/dev/null || echo unknown)
  source=${STREAM_IMAGE_SOURCE:-$(git remote get-url origin 2>/dev/null || echo "unknown (no git remote; see the revision label)")}
  t0=$(now)
  log "building $IMAGE"
  "${ENGINE[@]}" build "${BUILD_FLAGS[@]}" "${BASE_ARGS[@]}" "${secret[@]}" \
    --build-arg "VERSION=$VERSION" --build-arg "REVISION=$revision" \
    --build-arg "SOURCE=$source" --build-arg "CREATED=$created" \
    --iidfile "$STATE/image.iid" -f Dockerfile -t "$IMAGE" . >&2
  log "built $IMAGE ($(cut -c1-19 "$STATE/image.iid")) in $(since "$t0") s; size $(image_size_mb) MB"
}

cmd_run() {
  local cmd_flags=()
  pick_engine
  image_exists "$IMAGE" || die "$IMAGE is not built: $0 build"
  [ $# -gt 0 ] || set -- run
  # The HEALTHCHECK is for the worker; podman without systemd only logs errors trying to time it.
  [ "$1" = run ] || cmd_flags+=(--no-healthcheck)
  # Settings come from the STREAM_* variables set here (see the README, "Configuration").
  local cmd=("${ENGINE[@]}" run --rm --read-only "${RUN_FLAGS[@]}" "${cmd_flags[@]}")
  local name
  for name in $(compgen -e | grep '^STREAM_' | grep -Ev '^STREAM_(LOCAL|CONTAINER|IMAGE)' || true); do
    cmd+=(-e "$name")
  done
  cmd+=("$IMAGE" "$@")
  log "${cmd[*]}"
  exec "${cmd[@]}"
}

cmd_info() {
  pick_engine
  image_exists "$IMAGE" || die "$IMAGE is not built: $0 build"
  printf 'image    %s\nsize     %s MB\n' "$IMAGE" "$(image_size_mb)"
  # shellcheck disable=SC2016  # a Go template, not shell
  "${ENGINE[@]}" image inspect --format '{{range $k, $v := .Config.Labels}}label    {{$k}}={{$v}}{{println}}{{end}}' "$IMAGE"
}

cmd_test() {
  cmd_build
  [ -x .venv/bin/pytest ] || bash scripts/bootstrap.sh
  # Stop afterwards only what this run started: a running stack is shared and left alone.
  port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
  STARTED=()
  port_open "${STREAM_LOCAL_KAFKA_PORT:-9092}" || STARTED+=(kafka)
  port_open "${STREAM_LOCAL_REDIS_PORT:-6379}" || STARTED+=(redis)
  # shellcheck disable=SC2317  # called by the trap
  cleanup() { [ ${#STARTED[@]} -eq 0 ] || bash deploy/local/stack.sh stop "${STARTED[@]}" >&2 || true; }
  trap cleanup EXIT
  [ ${#STARTED[@]} -eq 0 ] || bash deploy/local/stack.sh start "${STARTED[@]}" >&2
  local t0 rc=0
  t0=$(now)
  # The image by id: another build on the machine may move the tag while the test runs.
  STREAM_CONTAINER_IMAGE="$(cat "$STATE/image.iid")" STREAM_CONTAINER_TAG="$IMAGE" \
    STREAM_CONTAINER_ENGINE="${ENGINE[*]}" \
    STREAM_CONTAINER_RUN_FLAGS="${RUN_FLAGS[*]}" \
    .venv/bin/pytest tests/container -m container -p no:cacheprovider -s "$@" || rc=$?
  log "container test: exit $rc in $(since "$t0") s"
  return "$rc"
}

cmd_bases() { pick_engine; CONTAINER_BASES=local pick_bases; }

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }

command=${1:-}
[ $# -eq 0 ] || shift
case $command in
  build) cmd_build ;;
  run) cmd_run "$@" ;;
  test) cmd_test "$@" ;;
  bases) cmd_bases ;;
  info) cmd_info ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
