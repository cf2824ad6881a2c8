"""Streaming enrichment of job postings: skill tags and salary normalization.

Raw postings come in on Kafka, enriched postings and change events go out; Redis caches
enrichment results; Prometheus scrapes the metrics. See README.md for the data flow.
"""

__version__ = "0.1.0"
