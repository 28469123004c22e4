"""Personal data in a piece of typed text (a research note, a quote): what was found, where, and
the text with it replaced. The same scrubber the dataset scan uses on free-text columns, so typed
notes and uploaded files are judged alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from .freetext import PLACEHOLDERS, TextScrubber
from .names import NameIndex

# Placeholder -> what people are told was found.
KINDS = {
    "[NAME]": "a name",
    "[EMAIL]": "an email address",
    "[PHONE]": "a phone number",
    "[NHS_NUMBER]": "an NHS number",
    "[NI_NUMBER]": "a National Insurance number",
    "[POSTCODE]": "a postcode",
    "[DATE]": "a date (it may be a date of birth)",
    "[ADDRESS]": "an address",
}
assert set(KINDS) == set(PLACEHOLDERS.values())

_PLACEHOLDER = "|".join(re.escape(p) for p in KINDS)
# Words, runs of space and single other characters; a placeholder is one token.
_TOKENS = re.compile(rf"{_PLACEHOLDER}|\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class Finding:
    kind: str  # how KINDS describes it
    start: int  # character offsets in the text as typed
    end: int


@dataclass(frozen=True)
class TextCheck:
    text: str
    redacted: str
    findings: tuple[Finding, ...]

    @property
    def found(self) -> bool:
        return bool(self.findings)

    def pieces(self) -> list[tuple[str, str | None]]:
        """The text cut at each finding: (text, kind) with kind None between findings."""
        out: list[tuple[str, str | None]] = []
        at = 0
        for finding in self.findings:
            if finding.start > at:
                out.append((self.text[at : finding.start], None))
            out.append((self.text[finding.start : finding.end], finding.kind))
            at = finding.end
        if at < len(self.text):
            out.append((self.text[at:], None))
        return out


def _tokens(text: str) -> list[tuple[str, int]]:
    return [(m.group(0), m.start()) for m in _TOKENS.finditer(text)]


def check_text(text: str) -> TextCheck:
    """Find personal data in `text`, with where each piece is and the text with it replaced."""
    scrubber = TextScrubber(NameIndex())
    redacted = scrubber.scrub([text])[0]
    if redacted == text:
        return TextCheck(text, redacted, ())
    # Line the two texts up word by word: each placeholder stands for the words it replaced.
    before, after = _tokens(text), _tokens(redacted)
    matcher = SequenceMatcher(None, [t for t, _ in before], [t for t, _ in after], autojunk=False)
    findings = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or i1 == i2:
            continue
        kinds = [KINDS[t] for t, _ in after[j1:j2] if t in KINDS]
        if not kinds:
            continue
        start = before[i1][1]
        end = before[i2 - 1][1] + len(before[i2 - 1][0])
        # Trim space the alignment took in with the words.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        findings.append(Finding(" and ".join(dict.fromkeys(kinds)), start, end))
    return TextCheck(text, redacted, tuple(findings))
