"""Find and replace personal data inside free text, keeping the rest of the note.

Speed comes from working on a whole chunk of a column at once: the cells are joined with NUL into
one string, each stage splits it with one simple regex (candidates only: digit runs, upper-case
codes, capitalised word runs), decides each *distinct* candidate once (cached), and joins it back.
Only candidates that depend on their neighbours ("spoke to X", "12 High Street", "3 May 1980") are
looked at one by one. No NLP model: names come from the file's own name columns, the shipped lists
and context words.
"""

from __future__ import annotations

import re
from collections import Counter

from .names import HARD_STOP, MONTHS, ORG_PLACE, STOP_WORDS, STREET_SUFFIXES, TITLES, NameIndex
from .patterns import (
    EMAIL_IN,
    NI_FULL,
    NON_DIGITS,
    POSTCODE_COMPACT,
    nhs_checksum_ok,
    phone_digits_ok,
)

SEP = "\x00"
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
DIGIT_RUN = re.compile(r"([\d+(][\d ()/.-]*\d)")
INNER = re.compile(
    r"(?<!\d)(?:(?P<date>\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}|(?:19|20)\d{2}-\d{1,2}-\d{1,2})"
    r"|(?P<phone>(?:(?:\+|00)44 ?(?:\(0\) ?)?|\(?0)\d{2,4}\)?[ -]?\d{3,4}[ -]?\d{3,4})"
    r"|(?P<nhs>\d{3}[ -]?\d{3}[ -]?\d{4}))(?!\d)"
)
CODE_RUN = re.compile(
    r"([A-Z](?:[A-Z]?\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z] ?\d\d ?\d\d ?\d\d(?: ?[A-D](?![A-Za-z]))?))"
)
UPPER = "A-ZÀ-ÖØ-Þ"
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
    rf"|(?i:\b(?:his|her|their|my|your|client's|resident's|the)\s+(?:{_RELATIVES}))"
    r"|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.)[,:]?\s+$"
)
NUMBER_TAIL = re.compile(
    r"(?i)(?:\b(?:flat|apartment|apt|unit)\s*\d+\w?,?\s+)?\b\d{1,4}[a-z]?,?\s+$"
)
DAY_TAIL = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+$")
YEAR_HEAD = re.compile(r"^,?\s+(?:19|20)\d{2}\b")

KEEP, NAME, MAYBE, STREET, MONTH = range(5)


class TextScrubber:
    """Replaces personal data spans in cells; ``counts`` tallies spans by type."""

    def __init__(
        self, names: NameIndex, *, find_names: bool = True, find_dates: bool | None = None
    ):
        self.names = names
        self.find_names = find_names
        # Dates matter inside notes; in short structured columns a date is usually an event date.
        self.find_dates = find_names if find_dates is None else find_dates
        self.counts: Counter[str] = Counter()
        self._digit_cache: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._code_cache: dict[str, tuple[str, str | None]] = {}
        self._cap_cache: dict[str, tuple[int, str]] = {}
        self._file_names_size = -1

    # -- public -----------------------------------------------------------------------------

    def scrub(self, values: list[str]) -> list[str]:
        """Scrub many cells at once; returns a new list of the same length and order."""
        if not values:
            return []
        if len(self.names.file_names) != self._file_names_size:
            self._cap_cache.clear()  # the file's own names changed what counts as a name
            self._file_names_size = len(self.names.file_names)
        text = SEP.join(values)
        if text.count(SEP) != len(values) - 1:
            values = [v.replace(SEP, " ") for v in values]
            text = SEP.join(values)
        if "@" in text:
            text = self._emails(text)
        text = self._digits(text)
        text = self._codes(text)
        if self.find_names:
            text = self._caps(text)
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
        parts = DIGIT_RUN.split(text)
        if len(parts) == 1:
            return text
        cache = self._digit_cache
        if len(cache) > 500_000:
            cache.clear()
        runs = parts[1::2]
        for run in set(runs).difference(cache):
            cache[run] = self._classify_digits(run)
        replaced = []
        for run in runs:
            new, kinds = cache[run]
            if kinds:
                self.counts.update(kinds)
            replaced.append(new)
        parts[1::2] = replaced
        return "".join(parts)

    def _classify_digits(self, run: str) -> tuple[str, tuple[str, ...]]:
        if len(run) < 6:
            return run, ()
        kinds = []

        def replace(m: re.Match) -> str:
            kind = m.lastgroup
            digits = NON_DIGITS.sub("", m.group())
            if kind == "date":
                if not self.find_dates:
                    return m.group()
                kinds.append("DATE_OF_BIRTH")
                return "[DATE]"
            if kind == "phone" and phone_digits_ok(digits):
                kinds.append("PHONE")
                return "[PHONE]"
            if len(digits) == 10 and nhs_checksum_ok(digits):
                kinds.append("NHS_NUMBER")
                return "[NHS_NUMBER]"
            return m.group()

        new = INNER.sub(replace, run)
        return new, tuple(kinds)

    def _codes(self, text: str) -> str:
        parts = CODE_RUN.split(text)
        if len(parts) == 1:
            return text
        cache = self._code_cache
        codes = parts[1::2]
        for code in set(codes).difference(cache):
            compact = code.replace(" ", "")
            if POSTCODE_COMPACT.fullmatch(compact):
                cache[code] = ("[POSTCODE]", "POSTCODE")
            elif NI_FULL.fullmatch(compact) and len(compact) >= 8:
                cache[code] = ("[NI_NUMBER]", "NI_NUMBER")
            else:
                cache[code] = (code, None)
        replaced = []
        for code in codes:
            new, kind = cache[code]
            if kind:
                self.counts[kind] += 1
            replaced.append(new)
        parts[1::2] = replaced
        return "".join(parts)

    def _caps(self, text: str) -> str:
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
                prev, nxt = parts[j - 1], parts[j + 1]
                day, year = DAY_TAIL.search(prev[-12:]), YEAR_HEAD.match(nxt)
                if day and year:
                    parts[j - 1] = prev[: len(prev) - (len(prev[-12:]) - day.start())]
                    parts[j] = "[DATE]"
                    parts[j + 1] = nxt[year.end() :]
                    self.counts["DATE_OF_BIRTH"] += 1
                elif CONTEXT_TAIL.search(prev[-40:]):
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
