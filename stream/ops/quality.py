"""Business (data-quality) observations of one published posting, recorded as metrics.

A pure reading of the EnrichedPosting, so it counts cache hits and misses alike: what the
search indexer receives is what the quality dashboard shows. The worker calls
`observe_posting` once per enriched posting, after the batch committed.

- salary coverage: `stream_salary_found_total{currency}` over `stream_postings_enriched_total`;
- USD conversion: `stream_salary_usd_converted_total{currency}`;
- parse failures: a non-empty `salary_text` and no salary;
- currency resolution: explicit (an ISO code or a one-currency symbol such as €), ambiguous
  (a `$`, `¥`, `kr` or `Rs` family resolved from the location or by policy), unknown (null);
- skills per posting, and tags by category and by skill (both bounded by the taxonomy);
- normalized fields: postings by source, and per field the postings where it was resolved
  (`stream_field_resolved_total{field}`, and `..._by_source_total{field, source}`).
"""

from __future__ import annotations

import re
from typing import Final

from stream.models import EnrichedPosting, Salary
from stream.ops.metrics import NORMALIZED_FIELDS, Metrics, source_label

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


def observe_posting(metrics: Metrics, posting: EnrichedPosting) -> None:
    """Count one published posting in the quality metrics."""
    source = source_label(metrics, posting.source)
    metrics.postings_by_source.labels(source).inc()
    for name in NORMALIZED_FIELDS:
        if getattr(posting, name):
            metrics.field_resolved.labels(name).inc()
            metrics.field_resolved_by_source.labels(name, source).inc()
    metrics.skills_per_posting.observe(len(posting.skills))
    for tag in posting.skills:
        metrics.skill_tags.labels(tag.category).inc()
    salary = posting.salary
    if salary is None:
        if posting.salary_text and posting.salary_text.strip():
            metrics.salary_parse_failures.inc()
        return
    currency = salary.currency or "unknown"
    metrics.salary_found.labels(currency).inc()
    metrics.salary_currency.labels(currency_resolution(salary)).inc()
    if salary.annual_min_usd is not None or salary.annual_max_usd is not None:
        metrics.salary_usd.labels(currency).inc()
