"""Text about something other than the job: the company, the recruiter, benefits and perks,
the application process, equal-opportunity boilerplate. Skills found there are not tags.

`context_ranges(description)` returns the character ranges of the description that are
such text; the extractor drops mentions that start inside one. This module is the
reference; the native scan has the same rules in `native/src/context.rs` (built with the
cue lists below, handed over as the requirement cue words are), and
`tests/unit/test_native_context.py` holds the two equal.

Why not whole sections: scraped descriptions are often flattened, so an "About us" or
"Benefits" heading is followed by the whole job ("Benefits: 401k ... License: OSHA
(Required)"), and dropping everything under such a heading removed about as many real
requirements as false tags (docs/skills.md, Known gaps). The rule here works on clauses
(the section machinery's clause: between `. ! ? ; newline •`, at most 240 characters
either side), and a clause counts as context only when

- it carries a context cue: a phrase that only company, perks, EEO or application text
  uses ("is a leading", "401(k)", "without regard to", "submit your resume"), or it sits
  under a context heading or label ("Benefits:", "About us", "How to apply") before the
  next heading or label; and
- it carries no job cue: nothing that speaks of the candidate or the work ("experience",
  "required", "you will", "knowledge of", "degree", "responsible for"...). A clause
  that mixes both is kept: the cost of a missed drop is one false tag, of a wrong drop a
  lost requirement.

One rule is narrower than a clause: the words that name a team or department the hire
works with ("collaborate with the marketing team", "liaise with Procurement and Quality
Assurance Departments") are not the hire's skills, while the hire's own team ("join our
marketing team", "lead the accounting team") is left alone. See `_team_range`.
"""

from __future__ import annotations

import functools
import re

import ahocorasick_rs

from stream.enrich.skills.sections import heading_state, heading_text
from stream.enrich.skills.text import MATCH_TABLE

# Cue phrases are matched on the skills fold (lower-case ASCII, separators as spaces),
# behind a space; a trailing space makes a whole word, none a prefix ("licens").
_COMPANY = (
    " is a leading ",
    " is the leading ",
    " is one of the ",
    " is an award winning ",
    " is a global ",
    " is a national ",
    " is a premier ",
    " is an international ",
    " is a full service ",
    " is a fast growing ",
    " specializes in ",
    " the mission of ",
    " we strive ",
    " we believe ",
    " we are committed ",
    " we are dedicated ",
    " we are passionate ",
    " is dedicated to ",
    " is committed to ",
    " has been recognized ",
    " have been recognized ",
    " leading provider ",
    " a leader in ",
    " the leader in ",
    " founded in ",
    " headquartered in ",
    " we are a ",
    " we re a ",
    " we are an ",
    " we are the ",
    " our mission ",
    " our client is ",
    " we provide ",
    " we specialize ",
    " we specialise ",
    " we serve ",
    " we help ",
    " we deliver ",
    " we partner ",
    " fortune 500 ",
    " privately held ",
    " family owned ",
    " visit our ",
    " visit us ",
    " learn more about ",
    " the leading ",
    " is excited to ",
    " are excited to ",
    " is thrilled to ",
    " is proud to ",
    " are proud to ",
    " is pleased to ",
    " its products ",
    " its services ",
    " inc is a ",
    " inc is an ",
    " llc is a ",
    " llc is an ",
    " firm serving ",
    " company serving ",
    " continues to grow ",
    " continue to grow ",
    " continues to expand ",
    " firm specializing in ",
    " company specializing in ",
    " firm specialising in ",
    " company specialising in ",
    " inc provides ",
    " llc provides ",
    " llp is a ",
    " llp is an ",
    " the firm has ",
    " the company has ",
    # revision 4: the employer's expertise, services and culture, as postings describe them
    " we draw on ",
    " our expertise ",
    " our products ",
    " our solutions ",
    " our services ",
    " services include ",
    " a culture that ",
    " culture that values ",
    # revision 5: how employers introduce themselves and their values
    " 501 c ",
    " nonprofit organization ",
    " non profit organization ",
    " was formed to ",
    " was founded ",
    " were founded ",
    " we value ",
    " we pride ourselves ",
    " we foster ",
    " committed to delivering ",
    " we have a ",
)
# An employee's testimonial quoted in the posting ("As a support agent here, I have
# learned ..."): postings address the candidate as "you", never as "I".
_TESTIMONIAL = (
    " i have ",
    " i ve ",
    " i am ",
    " i m ",
    " i love ",
    " i joined ",
    " i was ",
)
_RECRUITER = (
    " on behalf of our client",
    " on behalf of a client",
    " recruitment agency ",
    " staffing agency ",
    " staffing firm ",
    " recruiting firm ",
)
_BENEFITS = (
    " 401 k ",
    " 401k ",
    " 403 b ",
    " dental insurance",
    " dental and vision ",
    " dental vision ",
    " medical dental ",
    " medical and dental ",
    " dental coverage ",
    " vision insurance ",
    " paid time off ",
    " pto ",
    " paid holidays ",
    " paid vacation ",
    " tuition reimbursement ",
    " tuition assistance ",
    " employee discount",
    " employee assistance program ",
    " flexible spending ",
    " health savings ",
    " wellness program",
    " gym membership",
    " we offer ",
    " benefits include ",
    " benefits package ",
    " perks include ",
    " competitive salary ",
    " competitive pay ",
    " competitive compensation ",
    " competitive benefits ",
    " comprehensive benefits ",
)
_EEO = (
    " equal opportunity ",
    " equal employment ",
    " affirmative action ",
    " without regard to ",
    " regardless of race ",
    " national origin ",
    " sexual orientation ",
    " gender identity ",
    " protected veteran ",
    " veteran status ",
    " reasonable accommodation",
    " e verify ",
    " drug free ",
    " all qualified applicants ",
    " privacy notice ",
    " collection notice ",
)
_APPLICATION = (
    " to apply ",
    " apply now ",
    " apply online ",
    " apply today ",
    " submit your resume ",
    " send your resume ",
    " send your cv ",
    " submit your cv ",
    " submit a resume ",
    " cover letter ",
    " shortlisted ",
    " applications will ",
    " interview process ",
)
CONTEXT_CUES = (*_COMPANY, *_TESTIMONIAL, *_RECRUITER, *_BENEFITS, *_EEO, *_APPLICATION)
# Words of the job itself: a clause with one is never context.
JOB_CUES = (
    "experience",
    "requir",
    " must ",
    "knowledge",
    "proficien",
    "skill",
    " ability ",
    " able to ",
    " degree",
    "certif",
    "licens",
    "familiar",
    "qualification",
    " prefer",
    "responsib",
    " you will ",
    " you ll ",
    " if you ",
    " you are ",
    " you have ",
    " your ",
    "candidate",
    " seeking ",
    " looking for ",
    " ideal ",
    " duties ",
    "expertise",
    " background in ",
    " understanding of ",
    " training in ",
)
# Headings and inline labels whose text is about the company, benefits, the application
# or EEO (the heading text as `sections.heading_text` returns it, whole).
_CONTEXT_HEADING = re.compile(
    r"^(?:about (?:us|the company|our company|the firm|the organi[sz]ation)|who we are"
    r"|our (?:company|mission|values|culture|story|benefits|clients)|benefits?(?: package)?"
    r"|perks(?: (?:&|and) benefits)?|benefits? (?:&|and) perks|what we offer|why join us"
    r"|why work (?:for|with|at) us|how to apply|to apply|equal (?:opportunity|employment)"
    r"(?: \w+)?|eeo(?: statement)?|compensation (?:&|and) benefits|company (?:overview|description)"
    r"|(?:benefits|perks) (?:include|offered))$",
    re.IGNORECASE,
)
_ABOUT = re.compile(r"^about \w", re.IGNORECASE)
# Words of a heading that starts the job's own part of a posting.
_JOB_HEADING = re.compile(
    r"\b(?:role|position|job|description|responsibilit\w*|requirements?|qualifications?"
    r"|duties|skills|you|your|opportunity|summary|overview|what)\b",
    re.IGNORECASE,
)
LABEL_WORDS = (
    " about",
    " about us",
    " who we are",
    " our company",
    " our mission",
    " our values",
    " our culture",
    " our story",
    " our benefits",
    " our clients",
    " benefit",
    " perks",
    " what we offer",
    " why join us",
    " why work ",
    " how to apply",
    " to apply",
    " equal opportunity",
    " equal employment",
    " eeo",
    " compensation and benefits",
    " compensation & benefits",
    " company overview",
    " company description",
    " about the company",
    " about our company",
)
# Clause ends: the section machinery's (`sections._CLAUSE_END`, read there within one
# line), plus a newline always, and a full stop glued to the next sentence ("staff.Here
# are"), which flattened descriptions are full of. Found as candidates by one character
# class (a fast scan in `re`), each then judged in `_ends_clause`.
_CLAUSE_MARKS = re.compile(r"[\n.!?;•]")
_LOOKAROUND = 240  # the section machinery's clause reach (sections._CLAUSE_LOOKAROUND)
_MAX_SECTION_LINES = 30  # a context heading's section is read at most this many lines down
_HEADING_LINE_CHARS = 120  # enough of a line to decide whether it is a heading (sections)


# Nouns for a group of colleagues; the words before one may name a team the hire works
# with (`_team_range`). Whole words: a hit followed by a letter or digit ("teamwork") is no
# team noun.
TEAM_WORDS = (
    " team",
    " teams",
    " department",
    " departments",
    " dept",
    " division",
    *(f" {title}" for title in ("manager", "director", "coordinator", "officer", "supervisor")),
    *(f" {title}s" for title in ("manager", "director", "coordinator", "officer", "supervisor")),
)
# (The team word lists are written again in `native/src/context.rs`; the differential
# tests draw their texts from them.)
# Revision 5: a colleague's title is a team of one ("work closely with the Senior Marketing
# Manager", "reports to the Program Manager"). A title noun needs a determiner before the
# name ("with the ... Manager") or "reports to": "experience with Google Tag Manager" or
# "AWS Secrets Manager" is a product whose name ends in a title noun.
TEAM_TITLES = frozenset(w.strip() for w in TEAM_WORDS[6:])
# Words before "to" (or "to:") that make the title after it the hire's superior.
TEAM_REPORTS = frozenset(("reports", "report", "reporting"))
# A word before the team's name that makes it a team the hire works with, and how many
# words back it is looked for (the word itself included): "with" reaches over a list of
# teams ("with Production, Procurement and Quality Assurance Departments"), "support"
# only over one name ("support the Business Development team"): "supporting our freight
# operations, billing functions and the claims department" names the hire's duties first.
TEAM_WORKS_WITH = {
    "with": 8,
    "alongside": 8,
    "liaise": 8,
    "notify": 5,
    "support": 5,
    "supports": 5,
    "supporting": 5,
    "assist": 5,
    "assists": 5,
    "assisting": 5,
}
_TEAM_REACH = max(TEAM_WORKS_WITH.values())
# A word that ends the search: what comes before it is not a team's name ("experience in
# ... teams", "use Python to ... the team"), or the team is the hire's own ("experience
# with staff management and building teams", "with ... leading the accounting team").
TEAM_BREAK = frozenset(
    (
        "build",
        "builds",
        "building",
        "lead",
        "leads",
        "leading",
        "manage",
        "manages",
        "managing",
        "develop",
        "develops",
        "developing",
        "grow",
        "growing",
        "oversee",
        "oversees",
        "overseeing",
        "supervise",
        "supervises",
        "supervising",
        "direct",
        "directing",
        "mentor",
        "mentoring",
        "coach",
        "coaching",
        "train",
        "training",
        "motivate",
        "motivating",
        "hire",
        "hiring",
        "join",
        "joining",
        "in",
        "on",
        "for",
        "of",
        "to",
        "from",
        "by",
        "at",
        "as",
        "into",
        "within",
        "across",
        "using",
        "use",
        "including",
        "like",
        "such",
        "via",
        "through",
        "about",
        "is",
        "are",
        "be",
        "was",
        "will",
        "who",
        "that",
        "which",
        "while",
        "when",
        "where",
        "if",
        "than",
    )
)
TEAM_DETERMINERS = frozenset(("the", "our", "other", "internal", "external", "all", "their"))
TEAM_COORDINATORS = frozenset(("and", "or"))
# A word after the team noun that makes it a modifier, not a group of colleagues: "pair
# programming and team activities", "team player", "team building".
TEAM_MODIFIES = frozenset(
    (
        "activities",
        "activity",
        "building",
        "player",
        "players",
        "spirit",
        "environment",
        "culture",
        "events",
        "event",
        "outings",
        "lunches",
        "oriented",
        "atmosphere",
        "dynamics",
        "work",
        "setting",
        "settings",
    )
)
_TEAM_GAP = " \t,/&"  # between the words of a team's name ("Sales, Marketing & Design")

# Revision 5, negations: a skill named right after "no" is what the job does not ask ("has
# no direct reports", "NO COLD-CALLING", "no real estate license needed"), as right after
# "without" ("without supervision"). The word after the negation, then up to its reach in
# words, within the clause (a mark or a comma ends it), is dropped. "X not required" is
# not a negation rule: postings write it mostly as "a plus, but not required".
NEGATION_WORDS = (" no ", " without ")
NEGATION_REACH = {"no": 3, "without": 1}
# A word right after the negation that makes it no negation of what follows: "no more
# than", "no later than", "without compromising customer service", "SQL and no SQL
# databases" (NoSQL written apart).
NEGATION_EXCEPT = frozenset(
    ("more", "less", "later", "longer", "matter", "further", "doubt", "compromising", "sql")
)
# Revision 5, organizations' names: capitalised words before one of these nouns, written
# capitalised too, name an employer, a clinic or an agency ("Birch Montessori Academy",
# "MAPLE CARE AND REHABILITATION COMMUNITY", "Cognizant Security Agency"), not a
# skill. At least two capitalised words: one ("Call Center", "HubSpot Academy") is more
# often a skill's own name; and no capitalised word after the noun: "Inbound Call Center
# Specialist" is a job title, "Informatica Power Center ETL" a product.
ORGANIZATION_WORDS = (
    " academy",
    " agency",
    " clinic",
    " community",
    " foundation",
    " institute",
    " hospital",
    " center",
    " centre",
    " group",
    " corporation",
    " society",
    " council",
)
ORGANIZATION_REACH = 5  # capitalised words read back at most
ORGANIZATION_JOINS = frozenset(("and", "of", "&"))


def _patterns() -> tuple[tuple[str, bool, bool], ...]:
    """The automaton's patterns: (phrase without its leading space, is a context cue, is a
    label), longest match first at a position; a team noun is neither. A phrase that
    another one starts is both where it matters ("benefits include" is a cue and, through
    "benefit", a label), since the search reports one match per position."""
    phrases = {
        c[1:]
        for c in (*CONTEXT_CUES, *LABEL_WORDS, *TEAM_WORDS, *NEGATION_WORDS, *ORGANIZATION_WORDS)
    }
    cues = {c[1:] for c in CONTEXT_CUES}
    labels = {w[1:] for w in LABEL_WORDS}
    return tuple(
        (p, any(p.startswith(c) for c in cues), any(p.startswith(w) for w in labels))
        for p in sorted(phrases)
    )


# The search is leftmost-longest and non-overlapping (one match per position, hence the
# combined kinds above), on patterns without their leading space: a hit counts only after
# a space, checked afterwards.
CONTEXT_PATTERNS = _patterns()
_AUTOMATON = ahocorasick_rs.BytesAhoCorasick(
    [p.encode("ascii") for p, _, _ in CONTEXT_PATTERNS],
    matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
    implementation=ahocorasick_rs.Implementation.DFA,
)
# Job cues are only looked for inside the few clauses that have a context cue.
_JOB_AUTOMATON = ahocorasick_rs.BytesAhoCorasick(
    [c.encode("ascii") for c in JOB_CUES],
    matchkind=ahocorasick_rs.MatchKind.LeftmostFirst,
    implementation=ahocorasick_rs.Implementation.ContiguousNFA,
)


@functools.lru_cache(maxsize=4096)
def _is_context_heading(line: str) -> bool:
    head = heading_text(line)
    if head is None:
        return False
    head = head.strip()
    # "About Acme Clinic" is about the company; "About the role", "About you" are not.
    return _CONTEXT_HEADING.match(head) is not None or (
        _ABOUT.match(head) is not None and _JOB_HEADING.search(head) is None
    )


@functools.lru_cache(maxsize=4096)
def _ends_section(line: str) -> bool:
    """Whether a line under a context heading starts another section: a recognised
    heading, a label line ("Location:"), or a heading that names the job ("Role
    Description", "INTERN RESPONSIBILITIES: ...")."""
    stripped = line.strip()
    if heading_state(line)[0] or (stripped.endswith(":") and len(stripped.split()) <= 6):
        return True
    head = heading_text(line)
    return head is not None and _JOB_HEADING.search(head) is not None


def context_ranges(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping [start, end) ranges of `text` that are not about the job."""
    if not text:
        return []
    # Offsets in `folded` are text offsets + 1 (the leading space).
    folded = b" " + text.encode("ascii", "replace").translate(MATCH_TABLE) + b" "
    hits = _AUTOMATON.find_matches_as_indexes(folded)
    if not hits:
        return []
    ranges: list[tuple[int, int]] = []
    last_lo = last_hi = -1
    labels: list[tuple[int, int]] = []
    for pattern, start, stop in hits:
        if folded[start - 1] != 32:
            continue  # inside a word: a cue starts after a space
        at = start - 1  # the text offset of the phrase's first character
        _, is_cue, is_label = CONTEXT_PATTERNS[pattern]
        if not is_cue and not is_label:
            phrase = CONTEXT_PATTERNS[pattern][0]
            if phrase in _NEGATIONS:
                found = _negation_range(text, at, at + len(phrase) - 1)
            elif phrase in _ORGANIZATIONS:
                found = _organization_range(text, at, stop - 1)
            else:
                found = _team_range(text, at, stop - 1)  # a team noun, as a whole word
            if found is not None:
                ranges.append(found)
            continue
        if is_label:
            labels.append((at, stop - 1))
        if not is_cue or last_lo <= at < last_hi:
            continue  # a label only, or a second cue in the clause just judged
        last_lo, last_hi = _clause(text, at)
        # The cue's own words are no job cue: "submit your resume" holds " your ".
        if not _job(folded, last_lo, last_hi, start - 1, stop + 1):
            ranges.append((last_lo, last_hi))
    for at, end in labels:
        _labelled(text, folded, at, end, ranges)
    return _merge(ranges)


def _word_char(c: str) -> bool:
    return c.isalnum() or c in "-'’"


def _team_range(text: str, at: int, end: int) -> tuple[int, int] | None:
    """The range of the words before the team noun at [at, end) when they name a team the
    hire works with: read back word by word, within the clause, up to a "with"-like word
    ("collaborate with the marketing team"); None when a mark, a preposition or a verb
    comes first, or nothing like "with" within its reach (the hire's own team: "join our
    marketing team"). After a coordinator and a determiner only the last name counts:
    "work with Excel and the finance team" drops "finance", not "Excel"."""
    title = text[at:end].isascii() and text[at:end].lower() in TEAM_TITLES
    if end < len(text) and _word_char(text[end]) and not (title and _glued(text, end)):
        return None  # inside a word: "teamwork"; a title glued to a label is no word
    k = end
    while k < len(text) and text[k] in " \t":
        k += 1
    after = k
    while k < len(text) and _word_char(text[k]):
        k += 1
    if text[after:k].isascii() and text[after:k].lower() in TEAM_MODIFIES:
        return None
    determined = False  # a determiner was read: "with the Marketing Manager"
    k = at
    start: int | None = None  # set when a determiner follows a coordinator
    pending: int | None = None  # the start of the determiner just read
    for read in range(1, _TEAM_REACH + 1):
        coordinated = False
        while k > 0 and text[k - 1] in _TEAM_GAP:
            coordinated = coordinated or text[k - 1] not in " \t"
            k -= 1
        end = k
        while k > 0 and _word_char(text[k - 1]):
            k -= 1
        if k == end:
            # A mark or the start of the text: the clause ends here, unless it is the colon
            # of a "Reports to:" label.
            if k > 0 and text[k - 1] == ":" and _reports_to(text, k - 1):
                return (k if start is None else start, at)
            return None
        word = text[k:end].lower() if text[k:end].isascii() else ""
        if pending is not None and start is None and (coordinated or word in TEAM_COORDINATORS):
            start = pending
        if word == "to" and _previous_word(text, k)[1] in TEAM_REPORTS:
            return (end if start is None else start, at)
        reach = TEAM_WORKS_WITH.get(word)
        if reach is not None:
            if title and not determined:
                return None
            return (end if start is None else start, at) if read <= reach else None
        if word in TEAM_BREAK:
            return None
        pending = k if word in TEAM_DETERMINERS else None
        determined = determined or pending is not None
    return None


_NEGATIONS = frozenset(w[1:] for w in NEGATION_WORDS)  # as patterns: "no ", "without "
_ORGANIZATIONS = frozenset(w[1:] for w in ORGANIZATION_WORDS)


def _negation_range(text: str, at: int, end: int) -> tuple[int, int] | None:
    """The words a negation at [at, end) negates (see `NEGATION_WORDS`), or None."""
    if end >= len(text) or text[end] != " ":
        return None  # "no-nonsense", "no/yes": the fold made the space
    if at > 0 and _word_char(text[at - 1]):
        return None  # "say-no": part of a word
    k = end
    hi = None
    for _ in range(NEGATION_REACH[text[at:end].lower()]):
        while k < len(text) and text[k] in " \t":
            k += 1
        start = k
        while k < len(text) and _word_char(text[k]):
            k += 1
        if k == start:
            break  # a mark: the clause ends
        if hi is None and text[start:k].isascii() and text[start:k].lower() in NEGATION_EXCEPT:
            return None
        hi = k
    return None if hi is None else (end, hi)


def _capitalised(word: str) -> bool:
    """A word written with a capital first letter ("Montessori", "NURSING")."""
    return word[:1].isupper()


def _organization_range(text: str, at: int, end: int) -> tuple[int, int] | None:
    """The capitalised words before the organization noun at [at, end) when they and it
    name an organization (see `ORGANIZATION_WORDS`), or None."""
    if end < len(text) and _word_char(text[end]):
        return None  # inside a word: "Centers" is fine, "Centerpiece" is not
    if not _capitalised(text[at:end]):
        return None
    k = end
    while k < len(text) and text[k] in " \t":
        k += 1
    if k < len(text) and _capitalised(text[k]):
        return None
    k = at
    lo = None
    named = 0  # capitalised words read
    for _ in range(ORGANIZATION_REACH):
        while k > 0 and text[k - 1] in " \t":
            k -= 1
        word_end = k
        while k > 0 and (_word_char(text[k - 1]) or text[k - 1] == "&"):
            k -= 1
        word = text[k:word_end]
        if not word:
            break  # a mark: the name ends
        if word.lower() in ORGANIZATION_JOINS and word.isascii():
            continue
        if not _capitalised(word):
            break
        named += 1
        lo = k
    return (lo, at) if lo is not None and named >= 2 else None


def _glued(text: str, end: int) -> bool:
    """Whether the word after `end` is glued to the one before it, as flattened postings
    glue a label's value to the next label ("Program ManagerHours of Employment")."""
    return text[end].isupper() and text[end - 1].islower()


def _previous_word(text: str, k: int) -> tuple[int, str]:
    """The word that ends before `k` (spaces skipped): its start and itself, lower-cased
    when ASCII, else ""."""
    while k > 0 and text[k - 1] in " \t":
        k -= 1
    end = k
    while k > 0 and _word_char(text[k - 1]):
        k -= 1
    word = text[k:end]
    return k, word.lower() if word.isascii() else ""


def _reports_to(text: str, k: int) -> bool:
    """Whether the words that end before `k` are "reports to" ("Reports to: ...")."""
    k, word = _previous_word(text, k)
    return word == "to" and _previous_word(text, k)[1] in TEAM_REPORTS


def _job(folded: bytes, lo: int, hi: int, skip_lo: int = 0, skip_hi: int = 0) -> bool:
    """Whether text[lo:hi] has a job cue (one character either side for the spaces), not
    counting one that lies within folded[skip_lo:skip_hi]."""
    return any(
        not (skip_lo <= lo + s and lo + e <= skip_hi)
        for _, s, e in _JOB_AUTOMATON.find_matches_as_indexes(folded[lo : hi + 2])
    )


def _ends_clause(text: str, k: int) -> bool:
    """Whether the mark at `k` ends a clause (see `_CLAUSE_MARKS`)."""
    c = text[k]
    if c == "\n":
        return True
    nxt = text[k + 1] if k + 1 < len(text) else " "
    if not (nxt.isalnum() or nxt == "_"):
        return True
    return c != ";" and c != "•" and nxt.isupper() and k > 0 and "a" <= text[k - 1] <= "z"


def _clause(text: str, at: int) -> tuple[int, int]:
    """The clause around offset `at`."""
    lo = max(0, at - _LOOKAROUND)
    start = lo
    for match in _CLAUSE_MARKS.finditer(text, lo, at):
        if _ends_clause(text, match.start()):
            start = match.end()
    limit = min(len(text), at + _LOOKAROUND)
    end = limit
    for match in _CLAUSE_MARKS.finditer(text, at, limit):
        if _ends_clause(text, match.start()):
            end = match.start()
            break
    # An inline label later in the clause starts something else ("Benefits: 401k, dental
    # License/Certification: OSHA (Required)"): the clause stops at the label's first word.
    colon = text.find(":", at, end)
    if colon != -1:
        space = text.rfind(" ", at, colon)
        end = space + 1 if space != -1 else colon
    return start, end


def _glued_end(text: str, at: int, end: int) -> int | None:
    """Where the text after a heading glued to it starts ("Company DescriptionAcme is"),
    when the label word at [at, end) ends such a heading, else None."""
    k = end
    while k < len(text) and "a" <= text[k] <= "z":
        k += 1
    if (
        k < len(text)
        and "A" <= text[k] <= "Z"
        and k > at
        and "a" <= text[k - 1] <= "z"
        and _is_context_heading(text[at:k])
    ):
        return k
    return None


def _labelled(text: str, folded: bytes, at: int, end: int, ranges: list[tuple[int, int]]) -> None:
    """Adds the clauses a context heading or inline label governs, if the label word at
    [at, end) starts one."""
    window = text[at : at + 60]
    colon = window.find(":")
    line_start = text.rfind("\n", 0, at) + 1
    at_line_start = not text[line_start:at].strip(" \t#*•·-–—>")
    if colon != -1 and "\n" not in window[:colon] and _is_context_heading(window[:colon]):
        # An inline label ("... Benefits: 401k, medical, dental."): its clause.
        lo = at + colon + 1
        hi = _clause(text, lo)[1]
        if not _job(folded, lo, hi):
            ranges.append((lo, hi))
        if not at_line_start:
            return  # mid-line: only its own clause
    elif (glued := _glued_end(text, at, end)) is not None:
        # Flattened descriptions glue a heading to what follows it: the clause after it.
        hi = _clause(text, glued)[1]
        if not _job(folded, glued, hi):
            ranges.append((glued, hi))
        return
    elif not (
        at_line_start and _is_context_heading(text[at : at + _HEADING_LINE_CHARS].split("\n", 1)[0])
    ):
        return
    # A heading line: the lines below it, up to the next heading or label line.
    pos = text.find("\n", at)
    if pos == -1:
        return
    pos += 1
    for _ in range(_MAX_SECTION_LINES):
        if pos >= len(text):
            break
        end = text.find("\n", pos)
        if end == -1:
            end = len(text)
        if end > pos and not text[pos:end].isspace():
            if _ends_section(text[pos : min(end, pos + _HEADING_LINE_CHARS)]):
                break
            clause_start = pos
            for match in _CLAUSE_MARKS.finditer(text, pos, end):
                k = match.start()
                if _ends_clause(text, k):
                    if not _job(folded, clause_start, k):
                        ranges.append((clause_start, k))
                    clause_start = k + 1
            if clause_start < end and not _job(folded, clause_start, end):
                ranges.append((clause_start, end))
        pos = end + 1


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if hi <= lo:
            continue
        if merged and lo <= merged[-1][1]:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged
