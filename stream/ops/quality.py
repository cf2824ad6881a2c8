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
import itertools
import operator
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

    Counted over the batch and applied per series at the end (a `Tally.add` call per field
    and per tag was most of this function's ~14 µs a posting), and counted by columns: the
    postings grouped by source, then each normalized field's resolved postings summed over
    its column, the skill categories counted over all the batch's tags at once, the skill
    counts observed once (`observe_many`). Only the salary facts are read posting by
    posting. tests/unit/test_metrics.py holds the result equal to counting one posting at
    a time, and tests/unit/test_committer_metrics.py to the loop this replaced."""
    batch = list(postings)
    groups: dict[str, list[EnrichedPosting]] = {}  # by source label, in order of appearance
    labels: dict[str, str] = {}  # source -> its label, once per batch
    for posting in batch:
        source = labels.get(posting.source)
        if source is None:
            source = labels[posting.source] = source_label(metrics, posting.source)
        group = groups.get(source)
        if group is None:
            groups[source] = [posting]
        else:
            group.append(posting)
    tally = Tally()
    fields: collections.Counter[str] = collections.Counter()
    for source, group in groups.items():
        tally.add(metrics.postings_by_source, source, amount=len(group))
        # A row of the normalized fields per posting, then a column per field: resolved
        # where truthy (not null or empty), as `if getattr(posting, name)` was.
        columns = zip(*map(_NORMALIZED, group), strict=True)
        for name, column in zip(NORMALIZED_FIELDS, columns, strict=True):
            count = sum(map(bool, column))
            if count:
                fields[name] += count
                tally.add(metrics.field_resolved_by_source, name, source, amount=count)
    for name, count in fields.items():
        tally.add(metrics.field_resolved, name, amount=count)
    skills = list(map(_SKILLS, batch))
    observe_many(metrics.skills_per_posting, list(map(len, skills)))
    categories = collections.Counter(map(_CATEGORY, itertools.chain.from_iterable(skills)))
    found: collections.Counter[str] = collections.Counter()
    resolution: collections.Counter[str] = collections.Counter()
    usd: collections.Counter[str] = collections.Counter()
    parse_failures = 0
    for salary, salary_text in map(_SALARY, batch):
        if salary is None:
            if salary_text and salary_text.strip():
                parse_failures += 1
            continue
        currency = salary.currency or "unknown"
        found[currency] += 1
        resolution[currency_resolution(salary)] += 1
        if salary.annual_min_usd is not None or salary.annual_max_usd is not None:
            usd[currency] += 1
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


# Readers of a posting's parts, in C: `observe_postings` maps them over the batch.
assert len(NORMALIZED_FIELDS) > 1, "attrgetter of one name returns no tuple"
_NORMALIZED = operator.attrgetter(*NORMALIZED_FIELDS)
_SKILLS = operator.attrgetter("skills")
_CATEGORY = operator.attrgetter("category")
_SALARY = operator.attrgetter("salary", "salary_text")
