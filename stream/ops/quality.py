"""Business (data-quality) observations of one published posting, recorded as metrics.

A pure reading of the EnrichedPosting, so it counts cache hits and misses alike: what the
search indexer receives is what the quality dashboard shows. The committer calls
`observe_postings` once per committed batch; it tallies the batch first and then increments
each series once, because a `labels()` lookup per posting, field and tag cost more than a
tenth of the worker's time outside enrichment.

- salary coverage: `stream_salary_found_total{currency}` over `stream_postings_enriched_total`;
- USD conversion: `stream_salary_usd_converted_total{currency}`;
- parse failures: a non-empty `salary_text` and no salary;
- currency resolution: explicit (an ISO code or a one-currency symbol such as €), ambiguous
  (a `$`, `¥`, `kr` or `Rs` family resolved from the location or by policy), unknown (null);
- skills per posting, and tags by category (per-skill counts are the trends app's top-N gauges);
- normalized fields: postings by source, and per field the postings where it was resolved
  (`stream_field_resolved_total{field}`, and `..._by_source_total{field, source}`).
"""

from __future__ import annotations

import collections
import re
from collections.abc import Iterable
from typing import Final

from stream.models import EnrichedPosting, Salary
from stream.ops.metrics import NORMALIZED_FIELDS, Metrics, Tally, observe_many, source_label

# Markers that name exactly one currency. A span holding one of these (or the ISO code
# itself) stated its currency; anything else was resolved from a shared symbol ($, ¥, kr,
# Rs) by the location or by policy. Read from the output, so it does not depend on the
# parser's internals.
_UNIQUE_MARKERS: Final[dict[str, str]] = {
    "€": "EUR", "£": "GBP", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY", "₪": "ILS",
    "₫": "VND", "₱": "PHP", "฿": "THB", "zł": "PLN", "R$": "BRL", "C$": "CAD", "CA$": "CAD",
    "A$": "AUD", "AU$": "AUD", "NZ$": "NZD", "S$": "SGD", "HK$": "HKD", "US$": "USD",
    "MX$": "MXN", "NT$": "TWD", "CHF": "CHF",
}  # fmt: skip


def currency_resolution(salary: Salary) -> str:
    """ "explicit", "ambiguous" or "unknown": how the salary's currency was decided."""
    code = salary.currency
    if code is None:
        return "unknown"
    if re.search(rf"(?<![A-Za-z]){code}(?![A-Za-z])", salary.text, re.IGNORECASE):
        return "explicit"
    if any(marker in salary.text and iso == code for marker, iso in _UNIQUE_MARKERS.items()):
        return "explicit"
    return "ambiguous"


def observe_postings(metrics: Metrics, postings: Iterable[EnrichedPosting]) -> None:
    """Count published postings in the quality metrics: one increment per series touched.

    Counted into plain Counters keyed by label values (one dict update per event; the skill
    categories of a posting in one `Counter.update`) and applied per series at the end:
    a `Tally.add` call per field and per tag was most of this function's ~14 µs a posting.
    The skill counts go into their histogram once per batch too (`observe_many`).
    tests/unit/test_metrics.py holds the result equal to counting one posting at a time."""
    by_source: collections.Counter[str] = collections.Counter()
    resolved: collections.Counter[tuple[str, str]] = collections.Counter()
    categories: collections.Counter[str] = collections.Counter()
    found: collections.Counter[str] = collections.Counter()
    resolution: collections.Counter[str] = collections.Counter()
    usd: collections.Counter[str] = collections.Counter()
    parse_failures = 0
    labels: dict[str, str] = {}  # source -> its label, once per batch
    skill_counts: list[float] = []  # observed once per batch (`observe_many`)
    for posting in postings:
        source = labels.get(posting.source)
        if source is None:
            source = labels[posting.source] = source_label(metrics, posting.source)
        by_source[source] += 1
        for name in NORMALIZED_FIELDS:
            if getattr(posting, name):
                resolved[name, source] += 1
        skills = posting.skills
        skill_counts.append(len(skills))
        if skills:
            categories.update([tag.category for tag in skills])
        salary = posting.salary
        if salary is None:
            if posting.salary_text and posting.salary_text.strip():
                parse_failures += 1
            continue
        currency = salary.currency or "unknown"
        found[currency] += 1
        resolution[currency_resolution(salary)] += 1
        if salary.annual_min_usd is not None or salary.annual_max_usd is not None:
            usd[currency] += 1
    observe_many(metrics.skills_per_posting, skill_counts)
    tally = Tally()
    for source, count in by_source.items():
        tally.add(metrics.postings_by_source, source, amount=count)
    fields: collections.Counter[str] = collections.Counter()
    for (name, source), count in resolved.items():
        fields[name] += count
        tally.add(metrics.field_resolved_by_source, name, source, amount=count)
    for name, count in fields.items():
        tally.add(metrics.field_resolved, name, amount=count)
    for counter, counts in (
        (metrics.skill_tags, categories),
        (metrics.salary_found, found),
        (metrics.salary_currency, resolution),
        (metrics.salary_usd, usd),
    ):
        for label, count in counts.items():
            tally.add(counter, label, amount=count)
    if parse_failures:
        tally.add(metrics.salary_parse_failures, amount=parse_failures)
    tally.flush()
