"""What a pay statement says besides its base figures: gross or net, and other pay offered.

Pure functions over a short window of text around the parsed span (the whole pay line, or
a bounded slice of the description), so they cost O(window) and never see unrelated text.
Bonus, commission, OTE, equity, super and benefits are reported here and never enter
min/max (salary_parse.py keeps amounts attached to them out of the candidates).
"""

from __future__ import annotations

import re
from typing import Final, Literal

_GROSS: Final = re.compile(
    r"(?<![a-z])(?:gross|brutto|bruto|brut|before[ \t]tax(?:es)?|pre-?tax|ctc|cost[ \t]to"
    r"[ \t]company|ral|lord[aoi]|bruttó|brutności)(?![a-z])",
    re.IGNORECASE,
)
_NET: Final = re.compile(
    r"(?<![a-z])(?:net(?![ \t]?(?:work|suite|core|flix))|netto|neto|after[ \t]tax(?:es)?"
    r"|take[- ]home|in[- ]hand|tax[- ]free|nett|l[ií]quido|nettó|на[ \t]руки)(?![a-z])",
    re.IGNORECASE,
)
_EXTRAS: Final[dict[str, re.Pattern[str]]] = {
    "bonus": re.compile(
        r"(?<![a-z])(?:bonus(?:es)?|prämie|primes?|premia|bono|premio|13th[ \t]month)(?![a-z])",
        re.IGNORECASE,
    ),
    "commission": re.compile(
        r"(?<![a-z])(?:commissions?|provision(?:en)?|comisi[oó]n(?:es)?|prowizj[ai])(?![a-z])",
        re.IGNORECASE,
    ),
    "ote": re.compile(r"(?<![A-Za-z])(?:OTE|on[- ]target[ \t]earnings)(?![A-Za-z])"),
    "equity": re.compile(
        r"(?<![a-z])(?:equity|stock[ \t]options?|share[ \t]options?|rsus?|esop)(?![a-z])",
        re.IGNORECASE,
    ),
    "super": re.compile(r"(?<![a-z])(?:super|superannuation)(?![a-z])", re.IGNORECASE),
    "tips": re.compile(r"(?<![a-z])(?:tips|gratuities)(?![a-z])", re.IGNORECASE),
    "allowance": re.compile(r"(?<![a-z])(?:allowances?|car|fuel[ \t]card)(?![a-z])", re.I),
    "benefits": re.compile(r"(?<![a-z])(?:benefits|package)(?![a-z])", re.IGNORECASE),
}
WINDOW_AFTER: Final = 60
"""Description characters after the span read for extras and gross/net ("... + bonus")."""


def gross_or_net(text: str) -> Literal["gross", "net"] | None:
    """'gross' or 'net' when exactly one is stated in `text` (a pay line or a short window)."""
    gross, net = bool(_GROSS.search(text)), bool(_NET.search(text))
    if gross == net:
        return None
    return "gross" if gross else "net"


def extras(text: str) -> list[str]:
    """Kinds of pay besides base named in `text`, in a fixed order."""
    return [kind for kind, pattern in _EXTRAS.items() if pattern.search(text)]
