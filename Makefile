# The few commands people need; `make help` lists them. Each is a thin alias of a script.
.DEFAULT_GOAL := help
.PHONY: help setup demo test unit lint native stack-up stack-down schemas image image-run image-test

help: ## List the commands
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

setup: ## Install everything (system packages, Kafka jars, .venv)
	bash scripts/bootstrap.sh

demo: ## Run the service end to end on the local stack with real sample postings
	bash scripts/demo.sh

test: ## Lint, type-check and run all tests against the real local stack
	bash scripts/test.sh

unit: ## Fast unit tests only (no services)
	.venv/bin/pytest tests/unit -q

lint: ## ruff + mypy --strict (every Python file), cargo fmt + clippy on native/
	.venv/bin/ruff check stream tests benchmarks scripts grafana && .venv/bin/ruff format --check stream tests benchmarks scripts grafana && .venv/bin/mypy && MYPYPATH=benchmarks .venv/bin/mypy benchmarks
	cd native && cargo fmt --check && cargo clippy --release --all-targets -- -D warnings

native: ## Rebuild the compiled skill scan (native/) into .venv after editing it
	uv sync --reinstall-package stream-native

stack-up: ## Start Kafka and Redis on loopback
	bash deploy/local/stack.sh start kafka redis

stack-down: ## Stop the local stack
	bash deploy/local/stack.sh stop all

schemas: ## Regenerate schemas/*.schema.json from the models
	.venv/bin/stream schemas write schemas

image: ## Build the container image postings-stream:<version> (podman here, docker elsewhere)
	bash scripts/container.sh build

image-run: ## Run the worker image on the host network against the local stack
	bash scripts/container.sh run

image-test: ## Build the image and test it end to end on the local stack (CI runs this)
	bash scripts/container.sh test
