"""Occupation coding: a posting's title to an ESCO occupation and its ISCO-08 unit group.

`words` holds the small hand-written tables (noise words, abbreviations, a few foreign
words, common and tech titles ESCO words differently), `title` cleans a title into
candidate cores, `table` loads the ESCO table built by scripts/build_occupations.py (once per
process, lazily) and indexes it, `match` codes a title, `step` is the enrichment step.
docs/normalization.md ("Occupation") describes the rules and their measured accuracy.
"""
