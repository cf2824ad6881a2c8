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

import re
from collections.abc import Iterable
from typing import Final

from stream.models import EnrichedPosting, Salary
from stream.ops.metrics import NORMALIZED_FIELDS, Metrics, Tally, source_label

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
    """Count published postings in the quality metrics: one increment per series touched."""
    tally = Tally()
    for posting in postings:
        source = source_label(metrics, posting.source)
        tally.add(metrics.postings_by_source, source)
        for name in NORMALIZED_FIELDS:
            if getattr(posting, name):
                tally.add(metrics.field_resolved, name)
                tally.add(metrics.field_resolved_by_source, name, source)
        metrics.skills_per_posting.observe(len(posting.skills))
        for tag in posting.skills:
            tally.add(metrics.skill_tags, tag.category)
        salary = posting.salary
        if salary is None:
            if posting.salary_text and posting.salary_text.strip():
                tally.add(metrics.salary_parse_failures)
            continue
        currency = salary.currency or "unknown"
        tally.add(metrics.salary_found, currency)
        tally.add(metrics.salary_currency, currency_resolution(salary))
        if salary.annual_min_usd is not None or salary.annual_max_usd is not None:
            tally.add(metrics.salary_usd, currency)
    tally.flush()
