"""Find and replace personal data inside free text, keeping the rest of the note.

Speed comes from working on a whole chunk of a column at once: the cells are joined with NUL into
one string, each stage splits it with one simple regex (candidates only: digit runs, upper-case
codes, capitalised word runs), decides each *distinct* candidate once (cached), and joins it back.
Only candidates that depend on their neighbours ("spoke to X", "12 High Street", "3 May 1980") are
looked at one by one. No NLP model: names come from the file's own name columns, the shipped lists
and context words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

import phonenumbers

from .names import HARD_STOP, MONTHS, ORG_PLACE, STOP_WORDS, STREET_SUFFIXES, TITLES, NameIndex
from .patterns import (
    EMAIL_IN,
    MONTH_NAMES,
    MONTH_WORD,
    NI_FULL,
    PHONE_EXTENSION,
    POSTCODE_AREAS,
    POSTCODE_COMPACT,
    make_date,
    nhs_checksum_ok,
    normalise_postcode,
    uk_phone_national,
)

SEP = "\x00"
KIND_OF = {"[PHONE]": "PHONE", "[NHS_NUMBER]": "NHS_NUMBER", "[DATE]": "DATE_OF_BIRTH"}
# Presidio's phone recogniser uses libphonenumber's matcher; "possible" is the most lenient level.
PHONE_LENIENCY = phonenumbers.Leniency.POSSIBLE
PLACEHOLDERS = {
    "PERSON_NAME": "[NAME]",
    "EMAIL": "[EMAIL]",
    "PHONE": "[PHONE]",
    "NHS_NUMBER": "[NHS_NUMBER]",
    "NI_NUMBER": "[NI_NUMBER]",
    "POSTCODE": "[POSTCODE]",
    "DATE_OF_BIRTH": "[DATE]",
    "ADDRESS": "[ADDRESS]",
}

EMAIL_CHARS = re.compile(r"[\w.+'@-]*")  # every character an address can hold
# A run of digits and the separators people put between groups of them (with an extension).
DIGIT_RUN = re.compile(
    r"([\d+(][\d ()/.\u2013-]*\d(?:[ ,]*(?i:ext|extn|extension|x)\.?[ :]*\d{1,6})?)"
)
DIGITS = re.compile(r"\d+")
PHONE_SEP = re.compile(r"[ ()./\u2013-]{1,4}")
NHS_SEP = re.compile(r"[ ./-]{1,2}")
DATE_SEP = re.compile(r" ?[/.-] ?")
DATE_MARK = re.compile(r"[/.-]")
DATE_AFTER = re.compile(r" ?[/.-] ?\d")
# Identifiers that mix letters and digits, in any case, found from their first digit (the letters
# before it are checked in Python): a date with the month in words, a postcode's district digit
# onwards, or the six digits of a National Insurance number and its suffix letter (spaces,
# hyphens or dots between them: "AB.12.34.56.C"; ``_ni_at`` tells it from a date).
CODE_BRANCHES = {
    "tdate": r"\d?(?:st|nd|rd|th)?(?:\s+of)?[\s./-]*(?i:" + MONTH_WORD + r")\.?,?[\s./-]*"
    r"(?:19|20)?\d\d(?!\d)",
    "mdate": r"\d?(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d(?!\d)",
    "pc": r"[A-Za-z\d]?[ -]{0,3}\d[A-Za-z]{2}(?![^\W_])",
    "ni": r"(?:[ .-]?[ -]?\d){5}(?:[ .-]?[ -]?[A-Da-d])?(?![^\W_]|[ .-]{0,2}\d)",
}
CODES = re.compile(
    r"(?<!\d)\d(?:" + "|".join(f"(?P<{k}>{v})" for k, v in CODE_BRANCHES.items()) + ")"
)
# Each branch alone, to try the others where the first that matched is not the identifier.
CODE_BRANCH = {k: re.compile(r"\d" + v) for k, v in CODE_BRANCHES.items()}
TEXT_DATE = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?[\s./-]*((?i:"
    + MONTH_WORD
    + r"))\.?,?[\s./-]*((?:19|20)?\d\d)"
)
MONTH_BEFORE = re.compile(r"(?<![^\W_])(?i:" + MONTH_WORD + r")\.?\s+$")
# Two letters, a hyphen and six digits with no suffix letter: a reference number ("SR-100000"),
# unless the words before it say it is a National Insurance number ("NI: JT-123456").
REFERENCE = re.compile(r"[A-Za-z]{2}-\d{6}")
NI_CONTEXT = re.compile(
    r"(?i)(?:\bn\.?\s?i\b\.?(?:\s?(?:no|num|number)\b\.?)?|\bnino\b|\bnin\b"
    r"|\bnat(?:ional|\.)?\s+ins(?:urance|\.)?(?:\s+(?:no|num|number)\b\.?)?)"
    r"(?:\s*(?:[:#=,(-]|\bis\b|\bwas\b|\bgiven\s+as\b|\bas\b))*\s*$"
)
# Any letter pair, then six digits and the suffix letter if typed: with the words above, a
# number HMRC never issues ("QQ 12 34 56") is still taken as one (a typo shows the digits).
NI_ANY = re.compile(r"[A-Z]{2}\d{6}[A-D]?")
NI_SEPARATORS = str.maketrans("", "", " .-")  # all a candidate holds but letters and digits
# A National Insurance number in dots is told from a date or an amount after a two-letter word
# ("on 14.03.24", "at 1234.56") by the letters being joined to the digits, as in
# "AB.12.34.56.C" or "ab123456.c", or by capitals with a suffix letter ("JT 12.34.56 C").
NI_SPACED_CAPITALS = re.compile(r"[A-Z][ -]?[A-Z]\s[\d .-]*\d[ .-]?[A-D]")
# Letters of a postcode's area: joined to the district digit, or a space apart ("NW 5 1TL").
OUTWARD_LETTERS = re.compile(r"(?<![^\W_])([A-Za-z]{1,2})( ?)$")
NI_LETTERS = re.compile(r"(?<![^\W_])([A-Za-z])[ -]?([A-Za-z])[ .-]{0,2}$")
# Words that mark the date after them as a date of birth ("DOB", "d.o.b.", "born on", ...).
DOB_CONTEXT = re.compile(
    r"(?i)(?:\bd\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s?date|\bborn(?:\s+on)?|birthday"
    r"|\bb\.)[\s:,=(-]*$"
)
# A full date at least this many years ago is taken as a birth date even with no such word.
DOB_MIN_YEARS = 10
UPPER = "A-ZÀ-ÖØ-Þ\u0100-\u017f"  # with Latin Extended-A (Š, Ž, Ģ, Ş)
TOKEN = rf"[{UPPER}][a-zA-Z'’\u00c0-\u017f-]*[a-z\u00df-\u017f]"
CAP_RUN = re.compile(rf"({TOKEN}(?: {TOKEN})*)")
_RELATIVES = (
    "aunty|auntie|aunt|uncle|mum|mother|dad|father|son|daughter|sister|brother|partner|husband"
    "|wife|friend|neighbour|neighbor|carer|gran|nan|nana|grandma|grandmother|grandfather|grandad"
    "|grandson|granddaughter|niece|nephew|cousin|boyfriend|girlfriend|child|baby|ex|fiancee?"
    "|social worker|key worker|support worker|landlord|landlady"
)
CONTEXT_TAIL = re.compile(
    r"(?:(?i:\b(?:spoke|speak|speaking|talked|talking|chatted)\s+(?:to|with))"
    r"|(?i:\b(?:called|named|name is|names is|name's|met with|met|visited|contacted|phoned"
    r"|rang|emailed|texted|messaged))"
    rf"|(?i:\b(?:his|her|their|my|your|client's|resident's|the|with)\s+(?:{_RELATIVES}))"
    r"|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.)[,:]?\s+$"
)
# A recent date is a child's birth date when it stands beside the child: after a word for a
# child and the child's name ("son Jayden, 14/03/2019") or after an age ("aged 5 (14.03.2019)").
# A date after other words ("seen on", "her son was seen") is a date of service and kept.
CHILD_WORDS = frozenset(
    """
    son sons daughter daughters child children kid kids baby babies grandson granddaughter
    grandchild nephew niece boy girl twin twins infant toddler newborn stepson stepdaughter
    stepchild step-son step-daughter step-child
    """.split()  # noqa: SIM905
)
CHILD_CONTEXT = re.compile(
    rf"(?:\b(?i:{'|'.join(sorted(CHILD_WORDS, key=len, reverse=True))})((?:\s+{TOKEN})*?)"
    r"|\b(?i:aged?)\s*:?\s*\d{1,2}(?:\s*(?i:yrs?|years?|months?|mths?)(?:\s+(?i:old))?)?"
    r"|\b\d{1,2}\s*(?i:yrs?|years?|months?|mths?)\s+(?i:old)|\b\d{1,2}\s*(?i:y/?o)\b)"
    r"[\s:,=(-]*$"
)
# The last word before the date when CHILD_CONTEXT may match: a child word, "old", a name or a
# number ("aged 5", "4yo"); most dates of service ("on", "dated") are let go without the regex.
SEPARATORS_BEFORE = " \t\n:,=(-"
AGE_WORDS = CHILD_WORDS | {"old"}
# A name just before a bracketed date ("Jayden (14/03/2019)") is whose birth date it is.
NAME_BEFORE_BRACKET = re.compile(r"(?<![^\W_])([A-Za-z'’-]+)\s*\(\s*$")
# Words that say the number after them is a phone number, so one typed without its trunk 0
# ("mob 7700 900123", "call her on 20 7946 0123") is one; a bare run of ten digits is not
# enough on its own, as account, claim and invoice numbers look the same.
_PHONE_WORDS = (
    "tel|telephone|phone|phoned|phoning|ph|mob|mobile|cell|landline|call|called|calling|ring"
    "|rang|text|texted|txt|sms|whatsapp|contact|contactable|reach|reached"
)
_NUMBER_WORDS = "number|numbers|no|nos|num"
PHONE_CONTEXT = re.compile(
    rf"(?i)(?:\b(?:{_PHONE_WORDS})\b(?:\s+(?:{_NUMBER_WORDS})\b)?"
    rf"|(?:\b(?:his|her|their|my|your|our)|['’]s)\s+(?:{_NUMBER_WORDS})\b)"
    rf"(?:[\s.:#=,(-]|\b(?:on|is|was|at|to|me|him|her|them|us|back|via|from|for|of|the|his"
    rf"|their|my|your|client|{_RELATIVES}|{_NUMBER_WORDS})\b)*$"
)
# Between two phone numbers ("07700 900123 or 20 7946 0123") the first is the second's context.
PHONE_JOIN = re.compile(r"(?i)\s*(?:or|and|/|,|;|&|\bor\s+on|alt(?:ernatively)?:?)\s*")
NUMBER_TAIL = re.compile(
    r"(?i)(?:\b(?:flat|apartment|apt|unit)\s*\d+\w?,?\s+)?\b\d{1,4}[a-z]?,?\s+$"
)
DAY_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})")

KEEP, NAME, MAYBE, STREET, MONTH = range(5)


class Span(NamedTuple):
    """A stretch of a digit run: what replaces it, and the context that needs (None, "born" or
    "phone"); ``otherwise``, what replaces it where that context is missing."""

    start: int
    end: int
    placeholder: str | None
    need: str | None = None
    otherwise: str | None = None


class TextScrubber:
    """Replaces personal data spans in cells; ``counts`` tallies spans by type."""

    def __init__(
        self,
        names: NameIndex,
        *,
        find_names: bool = True,
        find_dates: bool | None = None,
        today: dt.date | None = None,
        postcode: Callable[[str], str] | None = None,
    ):
        self.names = names
        self.find_names = find_names
        # Dates matter inside notes; in short structured columns a date is usually an event date.
        self.find_dates = find_names if find_dates is None else find_dates
        self.today = today or dt.date.today()
        # What a postcode (normalised) becomes: its district, or [POSTCODE] if it is a small cell.
        self.postcode = postcode or (lambda code: "[POSTCODE]")
        self.counts: Counter[str] = Counter()
        self._digit_cache: dict[str, tuple[str, tuple[str, ...], str, tuple[str, ...]]] = {}
        self._cap_cache: dict[str, tuple[int, str]] = {}
        self._file_names_size = -1

    # -- public -----------------------------------------------------------------------------

    def scrub(self, values: list[str]) -> list[str]:
        """Scrub many cells at once; returns a new list of the same length and order."""
        if not values:
            return []
        known = len(self.names.file_names) + len(self.names.places)
        if known != self._file_names_size:
            self._cap_cache.clear()  # the file's own names changed what counts as a name
            self._file_names_size = known
        text = SEP.join(values)
        if text.count(SEP) != len(values) - 1:
            values = [v.replace(SEP, " ") for v in values]
            text = SEP.join(values)
        if "@" in text:
            text = self._emails(text)
        text = self._codes(text)
        text = self._digits(text)
        # Short columns: only names that a word such as "partner" or a title points at, or the
        # file's own names.
        text = self._caps(text, context_only=not self.find_names)
        out = text.split(SEP)
        assert len(out) == len(values)
        return out

    # -- stages -----------------------------------------------------------------------------

    def _email(self, match: re.Match) -> str:
        self.counts["EMAIL"] += 1
        return "[EMAIL]"

    def _emails(self, text: str) -> str:
        """``EMAIL_IN.sub`` over the whole text, done only around each '@'.

        An address cannot contain a character outside ``EMAIL_CHARS``, so the substitution
        applied to each maximal run of those characters that holds an '@' gives the same result
        as over the whole text, without the regex engine trying every position of every note.
        """
        out = []
        pos = 0
        at = text.find("@")
        while at != -1:
            width = 64
            while True:  # run start: scan backwards over a growing window
                lo = max(pos, at - width)
                back = EMAIL_CHARS.match(text[lo:at][::-1]).end()
                if back < at - lo or lo == pos:
                    break
                width *= 4
            start, end = at - back, EMAIL_CHARS.match(text, at).end()
            out.append(text[pos:start])
            out.append(EMAIL_IN.sub(self._email, text[start:end]))
            pos = end
            at = text.find("@", end)
        out.append(text[pos:])
        return "".join(out)

    def _digits(self, text: str) -> str:
        """Phone numbers, NHS numbers and dates written in digits, decided once per distinct run;
        a recent date is a birth date, and a number with no trunk 0 a phone number, only where
        the words before the run say so."""
        parts = DIGIT_RUN.split(text)
        if len(parts) == 1:
            return text
        cache = self._digit_cache
        if len(cache) > 500_000:
            cache.clear()
        runs = parts[1::2]
        for run in set(runs).difference(cache):
            cache[run] = self._classify_digits(run)
        phone_before = False
        for i, run in enumerate(runs):
            j = 2 * i + 1
            new, kinds, variants = cache[run]
            for need, prefix, new_if, kinds_if in variants:
                if self._context_says(need, parts[j - 1][-40:] + prefix) or (
                    need == "phone" and phone_before and PHONE_JOIN.fullmatch(parts[j - 1])
                ):
                    new, kinds = new_if, kinds_if
                    break
            if kinds:
                self.counts.update(kinds)
            phone_before = "[PHONE]" in new
            parts[j] = new
        return "".join(parts)

    def _context_says(self, need: str, before: str) -> bool:
        return self._birth_context(before) if need == "born" else bool(PHONE_CONTEXT.search(before))

    def _birth_context(self, before: str) -> bool:
        """Whether the text just before a recent date says it is a birth date."""
        if DOB_CONTEXT.search(before):
            return True
        tail = before.rstrip(SEPARATORS_BEFORE)
        last = tail[tail.rfind(" ") + 1 :]
        if not (last[:1].isdigit() or last[:1].isupper() or last.lower() in AGE_WORDS):
            return False
        child = CHILD_CONTEXT.search(before)
        if child and not any(
            (low in ORG_PLACE or low in STOP_WORDS)
            and low not in self.names.first
            and low not in self.names.file_names
            for low in (child[1] or "").lower().split()
        ):
            return True  # "son Jayden", "daughter Amy Rose", "son Charity"; not "Kids Club"
        name = NAME_BEFORE_BRACKET.search(before) if before.rstrip().endswith("(") else None
        if name:
            low = name[1].lower()
            return low in self.names.file_names or (
                low in self.names.first and low not in STOP_WORDS and low not in ORG_PLACE
            )
        return False

    def _classify_digits(self, run: str) -> tuple[str, tuple[str, ...], tuple]:
        """(run as replaced, kinds found, variants): each variant is (need, the run's text
        before its first span needing it, the run as replaced where the words before it say
        "born" or "phone", its kinds)."""
        if len(run) < 6:
            return run, (), ()
        digit_count = sum(map(str.isdigit, run))
        if digit_count < 4 or (digit_count < 9 and not DATE_MARK.search(run)):
            return run, (), ()  # too short for a phone or NHS number, and not a date
        groups = [m.span() for m in DIGITS.finditer(run)]
        spans: list[Span] = []
        i = 0
        while i < len(groups):
            found = (
                self._date_at(run, groups, i)
                or self._phone_at(run, groups, i)
                or (i == 0 and self._bare_phone_at(run, groups))
                or self._nhs_at(run, groups, i)
            )
            if found:
                spans.append(found[0])
                i = found[1]
            else:
                i += 1
        if not any(s.placeholder for s in spans) and sum(b - a for a, b in groups) >= 9:
            spans = self._library_phones(run, spans)
        plain, kinds = self._replaced(run, spans, None)
        variants = tuple(
            (
                need,
                run[: min(s.start for s in spans if s.need == need)],
                *self._replaced(run, spans, need),
            )
            for need in sorted({s.need for s in spans if s.placeholder and s.need})
        )
        return plain, kinds, variants

    @staticmethod
    def _replaced(run: str, spans, need: str | None) -> tuple[str, tuple[str, ...]]:
        """``run`` with the spans that need no context, or ``need``, replaced; and their kinds."""
        out, kinds = [], []
        pos = 0
        for span in spans:
            out.append(run[pos : span.start])
            new = span.placeholder if span.need in (None, need) else span.otherwise
            if new:
                out.append(new)
                kinds.append(KIND_OF[new])
            else:
                out.append(run[span.start : span.end])
            pos = span.end
        out.append(run[pos:])
        return "".join(out), tuple(kinds)

    def _date_at(self, run: str, groups, i: int):
        """A date in digits from group ``i``: (its ``Span``, the next group)."""
        if i + 2 >= len(groups):
            return None
        (a0, a1), (b0, b1), (c0, c1) = groups[i : i + 3]
        first, second = run[a1:b0], run[b1:c0]
        if first != second or not DATE_SEP.fullmatch(first) or DATE_AFTER.match(run, c1):
            return None  # "07-7-00-000000" is a phone number, not 7 July 2000 and more
        a, b, c = run[a0:a1], run[b0:b1], run[c0:c1]
        if len(a) == 4 and len(b) <= 2 and len(c) <= 2 and a[:2] in ("19", "20"):
            date = make_date(c, b, a, self.today)
        elif len(a) <= 2 and len(b) <= 2 and (len(c) == 2 or (len(c) == 4 and c[:2] in "1920")):
            date = make_date(a, b, c, self.today)
        else:
            return None
        if date is None:
            return None
        return Span(a0, c1, *self._date_verdict(date)), i + 3

    def _date_verdict(self, date: dt.date) -> tuple[str | None, str | None]:
        """(placeholder or None, "born" if only the words before it can make it a birth date)."""
        if not self.find_dates or date > self.today:
            return None, None  # an appointment, or a column of event dates: kept
        years = self.today.year - date.year
        if years > 120:
            return None, None
        return "[DATE]", "born" if years < DOB_MIN_YEARS else None

    def _phone_at(self, run: str, groups, i: int):
        start = groups[i][0]
        plus = run[:start].rstrip(" (").endswith("+")
        if not plus and run[start] != "0" and not run.startswith("44", start):
            return None  # a UK number starts with its trunk 0, +44 or 0044
        digits, best = "", None
        for j in range(i, len(groups)):
            if j > i and not PHONE_SEP.fullmatch(run[groups[j - 1][1] : groups[j][0]]):
                break
            digits += run[groups[j][0] : groups[j][1]]
            if len(digits) > 16:
                break
            if uk_phone_national(digits, plus):
                best = j
        if best is None:
            return None
        end = groups[best][1]
        extension = PHONE_EXTENSION.match(run, end)
        if extension:
            end = extension.end()
        while start > 0 and run[start - 1] in "+(":
            start -= 1
        if run.count("(", start, end) > run.count(")", start, end) and run[end : end + 1] == ")":
            end += 1
        return Span(start, end, "[PHONE]"), best + 1

    def _bare_phone_at(self, run: str, groups):
        """A UK number typed without its trunk 0 from the run's first group ("7700 900123",
        "20 7946 0123"): a phone number only where the words before the run say so (and an
        NHS number where they do not, if it is one). Not across a date ("aged 7 (03/03/2018)")."""
        start = groups[0][0]
        if run[start] not in "1237" or run[:start].strip("( "):
            return None
        digits, best = "", None
        for j in range(len(groups)):
            if j and not PHONE_SEP.fullmatch(run[groups[j - 1][1] : groups[j][0]]):
                break
            digits += run[groups[j][0] : groups[j][1]]
            if len(digits) > 10:
                break
            if len(digits) >= 9 and uk_phone_national("0" + digits):
                best = j
        if best is None:
            return None
        if any(self._date_at(run, groups, k) for k in range(best + 1)):
            return None
        nhs = self._nhs_at(run, groups, 0)
        if nhs and nhs[1] != best + 1:
            return None  # an NHS number and more digits: the NHS number
        end = groups[best][1]
        extension = PHONE_EXTENSION.match(run, end)
        if extension:
            end = extension.end()
        if run.count("(", 0, end) > run.count(")", 0, end) and run[end : end + 1] == ")":
            end += 1
        otherwise = "[NHS_NUMBER]" if nhs else None
        # From any "(" before the first digit.
        return Span(0, end, "[PHONE]", "phone", otherwise), best + 1

    def _nhs_at(self, run: str, groups, i: int):
        digits = ""
        for j in range(i, len(groups)):
            if j > i and not NHS_SEP.fullmatch(run[groups[j - 1][1] : groups[j][0]]):
                return None
            digits += run[groups[j][0] : groups[j][1]]
            if len(digits) == 10:
                if nhs_checksum_ok(digits):
                    return Span(groups[i][0], groups[j][1], "[NHS_NUMBER]"), j + 1
                return None
            if len(digits) > 10:
                return None
        return None

    def _library_phones(self, run: str, spans: list) -> list:
        """libphonenumber's own matcher, as a second opinion on a long run nothing else took."""
        found = []
        for match in phonenumbers.PhoneNumberMatcher(run, "GB", leniency=PHONE_LENIENCY):
            typed = PHONE_EXTENSION.sub("", match.raw_string)
            digits = "".join(ch for ch in typed if ch.isdigit())
            if (
                match.number.country_code == 44
                and uk_phone_national(digits, typed.startswith("+"))
                and not any(s.start < match.end and match.start < s.end for s in spans)
            ):
                found.append(Span(match.start, match.end, "[PHONE]"))
        return sorted(spans + found)

    def _codes(self, text: str) -> str:
        """Postcodes, National Insurance numbers and dates with the month in words, any case."""
        out = []
        pos = 0
        for m in CODES.finditer(text):
            found = self._code_at(m.lastgroup, text, m.start(), m.end(), pos)
            for kind in CODE_BRANCH:
                if found:
                    break
                other = kind != m.lastgroup and CODE_BRANCH[kind].match(text, m.start())
                if other:
                    found = self._code_at(kind, text, m.start(), other.end(), pos)
            if not found:
                continue
            start, end, new, kind = found
            self.counts[kind] += 1
            out.append(text[pos:start])
            out.append(new)
            pos = end
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)

    def _code_at(self, kind: str, text: str, start: int, end: int, pos: int):
        """(start, end, replacement, type) if the candidate is one, with the letters before it."""
        if kind == "pc":
            letters = OUTWARD_LETTERS.search(text, max(pos, start - 4), start)
            if not letters:
                return None
            if letters[2] and letters[1].upper() not in POSTCODE_AREAS:
                return None  # "at 5 1st": only a postcode area's letters may stand apart
            start = letters.start()
            compact = text[start:end].replace(" ", "").replace("-", "").upper()
            if not POSTCODE_COMPACT.fullmatch(compact):
                return None
            return start, end, self.postcode(normalise_postcode(compact)), "POSTCODE"
        if kind == "ni":
            return self._ni_at(text, start, end, pos)
        first = start
        if kind == "tdate":
            day, month, year = TEXT_DATE.match(text, start, end).groups()
        else:  # month first: "April 3, 1987"
            month_word = MONTH_BEFORE.search(text, max(pos, start - 12), start)
            if not month_word:
                return None
            start = month_word.start()
            month = month_word.group().rstrip(". \t\n")
            day, year = DAY_YEAR.match(text, first, end).groups()
        date = make_date(day, MONTH_NAMES.get(month.lower()), year, self.today)
        placeholder, need = self._date_verdict(date) if date else (None, None)
        if placeholder is None or (
            need and not self._birth_context(text[max(pos, start - 40) : start])
        ):
            return None
        return start, end, placeholder, "DATE_OF_BIRTH"

    def _ni_at(self, text: str, start: int, end: int, pos: int):
        """A National Insurance number from its letters (just before ``start``) to ``end``."""
        letters = NI_LETTERS.search(text, max(pos, start - 6), start)
        if not letters:
            return None
        first_digit, start = start, letters.start()
        if text[end - 1].isalpha() and text[end - 3 : end - 1] == ". ":
            end -= 3  # "... on 14.03.24. A referral": a new sentence, not a suffix letter
        typed = text[start:end]
        # In dots after a short word ("on 14.03.24", "at 1234.56"), a date or an amount unless
        # the letters are joined to the digits or typed as capitals with a suffix letter.
        dotted_apart = (
            "." in typed
            and text[letters.end(2) : first_digit].strip(".-")
            and not NI_SPACED_CAPITALS.fullmatch(typed)
        )
        said = None  # whether words such as "NI no" come before it, looked at once if needed
        if dotted_apart:
            said = NI_CONTEXT.search(text, max(pos, start - 40), start)
            if not said:
                return None
        compact = typed.translate(NI_SEPARATORS).upper()
        plain = not dotted_apart and not REFERENCE.fullmatch(typed) and NI_FULL.fullmatch(compact)
        if not plain:
            # After those words, any letter pair and six digits ("NI: QQ-123456").
            if not NI_ANY.fullmatch(compact):
                return None
            if said is None and not NI_CONTEXT.search(text, max(pos, start - 40), start):
                return None
        return start, end, "[NI_NUMBER]", "NI_NUMBER"

    def _caps(self, text: str, context_only: bool = False) -> str:
        parts = CAP_RUN.split(text)
        if len(parts) == 1:
            return text
        cache = self._cap_cache
        runs = parts[1::2]
        for run in set(runs).difference(cache):
            cache[run] = self._decide(run)
        decided = [cache[run] for run in runs]
        names = 0
        for i, (kind, new) in enumerate(decided):
            j = 2 * i + 1
            if context_only:
                if kind in (NAME, MAYBE, MONTH) and CONTEXT_TAIL.search(parts[j - 1][-40:]):
                    parts[j] = self._context_name(parts[j])
                    names += 1
                elif kind == NAME and (
                    parts[j].split(" ")[0].lower() in TITLES
                    or any(t.lower() in self.names.file_names for t in parts[j].split(" "))
                ):
                    parts[j] = new
                    names += 1
                continue
            if kind == NAME:
                parts[j] = new
                names += 1
            elif kind == KEEP:
                continue
            elif kind == MAYBE:
                if CONTEXT_TAIL.search(parts[j - 1][-40:]):
                    parts[j] = self._context_name(parts[j])
                    names += 1
                elif new != parts[j]:
                    parts[j] = new
                    names += 1
            elif kind == STREET:
                prev = parts[j - 1]
                tail = NUMBER_TAIL.search(prev[-40:])
                if tail:
                    parts[j - 1] = prev[: len(prev) - (len(prev[-40:]) - tail.start())]
                    parts[j] = "[ADDRESS]"
                    self.counts["ADDRESS"] += 1
                else:
                    parts[j] = new
            elif kind == MONTH:
                # Full dates were decided with the codes: a month here is a date's or a name.
                prev = parts[j - 1]
                if CONTEXT_TAIL.search(prev[-40:]):
                    parts[j] = self._context_name(parts[j])
                    names += 1
        self.counts["PERSON_NAME"] += names
        return "".join(parts)

    # -- decisions on one capitalised run -----------------------------------------------------

    def _context_name(self, run: str) -> str:
        """After 'spoke to', 'her aunt', 'Mrs.': the run up to an organisation word is a name."""
        tokens = run.split(" ")
        out = []
        for i, token in enumerate(tokens):
            low = token.lower()
            if low in ORG_PLACE or (i + 1 < len(tokens) and tokens[i + 1].lower() in ORG_PLACE):
                out.extend(tokens[i:])
                break
            if not out or out[-1] != "[NAME]":
                out.append("[NAME]")
        return " ".join(out)

    def _decide(self, run: str) -> tuple[int, str]:
        tokens = run.split(" ")
        lows = [t.lower() for t in tokens]
        n = len(tokens)
        if run.lower() in self.names.places:
            return KEEP, run
        if n == 1:
            low = lows[0]
            if low in MONTHS:
                return MONTH, run
            if self.names.is_name_token(low) and low not in ORG_PLACE:
                return NAME, "[NAME]"
            if low in HARD_STOP or low in ORG_PLACE or low in TITLES:
                return KEEP, run
            if low in STOP_WORDS and low not in self.names.first:
                return KEEP, run
            return MAYBE, run
        kind_if_no_number = STREET if lows[-1] in STREET_SUFFIXES else None
        blocked = [False] * n
        for i, low in enumerate(lows):
            if low in ORG_PLACE:
                blocked[i] = True
                if i > 0 and lows[i - 1] not in TITLES:
                    blocked[i - 1] = True
        places = self.names.places
        if places:  # the file's own wards and organisations ("Visited Gospel Oak")
            for i in range(n):
                for j in range(i + 1, min(n, i + 5) + 1):
                    if " ".join(lows[i:j]) in places:
                        blocked[i:j] = [True] * (j - i)
        named = [False] * n
        for i, low in enumerate(lows):
            if low in TITLES and i + 1 < n and not blocked[i + 1]:
                named[i] = True
                j = i + 1
                while j < n and not blocked[j]:
                    named[j] = True
                    j += 1
        i = 0
        while i < n:
            if blocked[i] or named[i]:
                i += 1
                continue
            j = i
            while j < n and not blocked[j] and not named[j]:
                j += 1
            self._mark_run(lows, i, j, named)
            i = j
        any_named = any(named)
        out: list[str] = []
        for token, is_named in zip(tokens, named, strict=True):
            if is_named:
                if not out or out[-1] != "[NAME]":
                    out.append("[NAME]")
            else:
                out.append(token)
        new = " ".join(out)
        if kind_if_no_number is not None:
            return STREET, new
        if any_named:
            return NAME, new
        if lows[0] in HARD_STOP or blocked[0]:
            return KEEP, run
        return MAYBE, new

    def _mark_run(self, lows: list[str], start: int, end: int, named: list[bool]) -> None:
        names = self.names
        while start < end and lows[start] in STOP_WORDS and lows[start] not in names.first:
            start += 1
        while end > start and lows[end - 1] in STOP_WORDS and lows[end - 1] not in names.last:
            end -= 1
        if start >= end:
            return
        run = lows[start:end]
        if len(run) == 1:
            hit = names.is_name_token(run[0])
        else:
            hit = (
                any(t in names.file_names for t in run)
                or (run[0] in names.first and run[0] not in HARD_STOP)
                or any(names.is_name_token(t) for t in run)
            )
        if hit:
            for k in range(start, end):
                named[k] = True
