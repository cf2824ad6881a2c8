"""Enrichment: pure functions from a raw posting to its enriched fields; no Kafka, no Redis.

`step.py` is the interface every enricher implements, `registry.py` lists the steps that
run, `pipeline.py` runs them (`Enricher`). One subpackage per enricher (`skills/`,
`salary/`); helpers they share sit beside them (`text.py`, `places.py`, `fx.py`).
"""
