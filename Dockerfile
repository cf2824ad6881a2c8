# syntax=docker/dockerfile:1
# Multi-stage build: dependencies resolved from uv.lock in a builder (which also compiles the
# Rust extension in native/), a slim non-root runtime without any toolchain.

FROM python:3.11-slim-bookworm AS builder
COPY --from=ghcr.io/astral-sh/uv:0.13 /uv /usr/local/bin/uv
COPY --from=rust:1.95-slim-bookworm /usr/local/cargo /usr/local/cargo
COPY --from=rust:1.95-slim-bookworm /usr/local/rustup /usr/local/rustup
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/opt/venv \
    CARGO_HOME=/usr/local/cargo RUSTUP_HOME=/usr/local/rustup PATH=/usr/local/cargo/bin:$PATH
WORKDIR /src
COPY pyproject.toml uv.lock README.md ./
COPY native ./native
RUN uv sync --frozen --no-dev --no-install-project
COPY stream ./stream
RUN uv sync --frozen --no-dev

FROM python:3.11-slim-bookworm AS runtime
RUN useradd --system --uid 10001 --home /app stream
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    STREAM_WORKER__METRICS_HOST=0.0.0.0 \
    STREAM_WORKER__METRICS_PORT=9108
USER stream
WORKDIR /app
EXPOSE 9108
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9108/healthz', timeout=2)" || exit 1
ENTRYPOINT ["stream"]
CMD ["run"]
