"""`seniority`: the level of the job, from the title first, the description second.

The title's words are read against the markers below; when several are present the first
level in this order wins: intern, entry by program (trainee, apprentice, graduate program),
executive, director, manager, lead, senior, mid, entry. So "Senior Manager" is a manager,
"Senior Director" a director and "Junior Account Manager" entry.

- intern: Intern, Internship, Co-op, Werkstudent, Praktikant, Summer Associate / Clerk.
- executive: Chief ... Officer and the C-level acronyms (CEO, CTO ...), President, VP /
  Vice President / SVP, Founder, Executive Director, Managing Director, Geschäftsführer.
- director: Director (not "Funeral Director"), Head of, Principal as the last word (a
  school's principal), Chief without "Officer" (Chief of Staff, Chief Engineer).
- manager: a people manager: Manager, Mgr, Supervisor, Superintendent, Foreman, Leiter.
  A manager title whose word before "Manager" names what is managed rather than who
  (Account, Product, Project, Program, Case, Property, Relationship, Portfolio, Asset,
  Community, Content, Brand, Category, Territory, Success, Release, Campaign, Event,
  Contract, Partner, Channel, Vendor ...; "Product Marketing Manager") is a role, not a
  people manager: it gets no
  level from "Manager" and is judged by its other words and the description.
- lead: Lead, Team Leader / Shift Leader, Teamleiter, Head X (Head Chef), Charge Nurse,
  Principal before a role (Principal Consultant), Staff before a technical role word
  (Staff Engineer, Staff Data Scientist; "Staff Accountant" and "Staff Nurse" are not a
  level).
- senior: Senior, Sr, Snr, a trailing III/IV/V ("Senior Living" is not a level).
- mid: Intermediate, Mid-level, Journeyman (a qualified trade), a trailing II.
- entry: Junior, Jr, Entry Level, a trailing I, Associate before a role ("Associate
  Attorney", "Litigation Associate Attorney"; not "Sales Associate", where it is the
  role, nor "Associate Director"), Trainee, Apprentice,
  Graduate program, New Grad.

Without a level in the title: the experience the description asks for (0-1 years entry,
2-4 mid, 5 or more senior; "no experience necessary" is 0), else "entry level" / "mid-level"
/ "senior-level" in the description; else null.
"""

from __future__ import annotations

import re

from stream.enrich.terms.scan import Hits
from stream.models import Seniority

_WORD = re.compile(r"[a-zäöüß0-9]+", re.IGNORECASE)


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


_INTERN = _words(
    "intern interns internship internships coop werkstudent werkstudentin praktikant "
    "praktikantin praktikum stagiaire"
)
_PROGRAM = _words("trainee trainees apprentice apprenticeship azubi auszubildende "
                     "auszubildender volont\u00e4r")  # fmt: skip
_C_LEVEL = _words("ceo cfo cto coo cio cmo ciso cpo cro cco cdo chro")
_EXECUTIVE = _words("president vp svp evp avp founder cofounder gesch\u00e4ftsf\u00fchrer "
                       "geschaftsfuhrer geschaeftsfuehrer")  # fmt: skip
_MANAGER = _words("manager mgr supervisor superintendent foreman forewoman leiter "
                     "leiterin leitung")  # fmt: skip
_ROLE_MANAGED = _words(
    "account accounts product products project projects program programs programme case "
    "property relationship portfolio asset community content brand category territory "
    "success release campaign campaigns event events contract contracts partner partnership "
    "channel vendor grant grants media marketplace inventory configuration change "
    "engagement alliance alliances solutions solution fund wealth client key"
)
_TECH = _words(
    "engineer engineers software developer scientist science designer design architect "
    "researcher research data machine ml ai security site backend frontend fullstack full "
    "product platform infrastructure devops cloud mobile ios android systems"
)
_NOT_SENIOR_AFTER = _words("living care center citizen citizens community services home "
                              "housing")  # fmt: skip
_NOT_ASSOCIATE_BEFORE = _words("director directors vice vp partner dean general professor "
                                  "principal")  # fmt: skip
# Mid-title, "Associate" is a level only before a profession ("Litigation Associate
# Attorney"); "Sales Associate Natural Food Products" is the role.
_ASSOCIATE_OF = _words(
    "attorney lawyer counsel dentist engineer developer scientist analyst consultant designer "
    "editor producer accountant architect product brand"
)
_ENTRY = _words("junior jr entry trainee graduate")
# Every word that can start a marker: a title with none of them has no level.
_MARKERS = (
    _INTERN
    | _PROGRAM
    | _C_LEVEL
    | _EXECUTIVE
    | _MANAGER
    | _ENTRY
    | _words(
        "co summer working new graduate chief executive managing director direktor head "
        "principal lead team shift charge teamleiter teamleitung projektleiter staff "
        "distinguished senior sr snr intermediate mid midlevel associate journeyman i ii iii "
        "iv v"
    )
)
_SUMMER = re.compile(r" summer (?:law )?(?:associate|clerk|analyst|student)s? ")
_ROMAN: dict[str, Seniority] = {"i": "entry", "ii": "mid", "iii": "senior", "iv": "senior",
                                "v": "senior", "1": "entry", "2": "mid", "3": "senior"}  # fmt: skip
_ROMAN_TAIL = re.compile(r"\b(i{1,3}|iv|v)\s*(?:$|[-–,(/|:])", re.IGNORECASE)


def title_words(title: str) -> list[str]:
    """The title's words in lower case (shared with the employment types)."""
    return _WORD.findall(title.lower())


def from_title(title: str, words: list[str] | None = None) -> Seniority | None:
    if words is None:
        words = title_words(title)
    if not words:
        return None
    s = set(words)
    if s.isdisjoint(_MARKERS) and "leit" not in title.lower():
        return None  # most titles: no marker word at all
    joined = " " + " ".join(words) + " "
    if s & _INTERN or " co op " in joined or _SUMMER.search(joined) or "working student" in joined:
        return "intern"
    if (
        s & _PROGRAM
        or " new grad" in joined
        or (
            "graduate" in s
            and re.search(
                r" graduate (?:program|scheme|engineer|developer|analyst|trainee|role)|graduate $",
                joined,
            )
        )
    ):
        return "entry"
    if (
        s & _C_LEVEL
        or s & _EXECUTIVE
        or ("chief" in s and ("officer" in s or "executive" in s))
        or "executive director" in joined
        or "managing director" in joined
        or "managing partner" in joined
        or " co founder" in joined
    ):
        return "executive"
    if (
        ("director" in s and "funeral" not in s)
        or "direktor" in s
        or " head of " in joined
        or words[-1] == "principal"
        or "chief" in s
    ):
        return "director"
    for i, word in enumerate(words):
        if word in _MANAGER:
            if (
                word in ("manager", "mgr")
                and i > 0
                and (words[i - 1] in _ROLE_MANAGED or words[i - 2 : i] == ["product", "marketing"])
            ):
                continue
            return "manager"
        if word.endswith("leiter") and not word.startswith(("team", "projekt", "gruppen")):
            return "manager"
    if (
        "lead" in s
        or " team leader " in joined
        or " shift leader " in joined
        or " charge nurse " in joined
        or "teamleiter" in s
        or "teamleitung" in s
        or "projektleiter" in s
        or words[0] == "head"
        or any(
            (w == "principal" or (w in ("staff", "distinguished") and words[i + 1] in _TECH))
            for i, w in enumerate(words[:-1])
        )
    ):
        return "lead"
    for i, word in enumerate(words):
        if word in ("senior", "sr", "snr") and (
            i + 1 >= len(words) or words[i + 1] not in _NOT_SENIOR_AFTER
        ):
            return "senior"
    tail = _ROMAN_TAIL.search(title) if not s.isdisjoint(_ROMAN) else None
    roman = _ROMAN.get(tail.group(1).lower()) if tail and tail.start() > 0 else None
    if roman in ("senior", "mid"):
        return roman
    if (
        "intermediate" in s
        or "journeyman" in s
        or " mid level " in joined
        or "midlevel" in s
        or (" mid senior " in joined)
    ):
        return "mid"
    if (
        s & _ENTRY
        or roman == "entry"
        or (words[0] == "associate" and len(words) > 1 and words[1] not in _NOT_ASSOCIATE_BEFORE)
        or any(w == "associate" and words[i + 1] in _ASSOCIATE_OF for i, w in enumerate(words[:-1]))
    ):
        return "entry"
    return None


_LEVEL_PHRASES: dict[str, Seniority] = {
    "entry level": "entry", "entry-level": "entry", "mid-level": "mid", "mid level": "mid",
    "senior level": "senior", "senior-level": "senior",
}  # fmt: skip


def from_years(years: float) -> Seniority:
    if years < 2:
        return "entry"
    if years < 5:
        return "mid"
    return "senior"


def seniority(
    title: str, experience_min: float | None, hits: Hits, words: list[str] | None = None
) -> Seniority | None:
    level = from_title(title, words)
    if level is not None:
        return level
    return from_description(experience_min, hits)


def from_description(experience_min: float | None, hits: Hits) -> Seniority | None:
    """Without a level in the title: the experience asked for, else a level phrase."""
    if experience_min is not None:
        return from_years(experience_min)
    for _, _, word in hits.get("level", ()):
        return _LEVEL_PHRASES[word]
    return None
