"""Operations: every Prometheus metric (one module), health endpoints, data-quality
observations, logging and the generated metrics catalog.

May import the domain models; nothing here imports the runtime, the stores or the CLI.
"""
