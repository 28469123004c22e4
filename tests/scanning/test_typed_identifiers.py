"""Identifiers in free text typed every way people type them are removed, whatever the grouping,
case, separators or brackets; amounts, dates of service, reference numbers, wards and
organisations are kept. Each identifier must be gone in any spacing: its digits (and letters)
do not appear in the scrubbed note even once spaces and punctuation are taken out."""

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safety.scanning.freetext import TextScrubber
from safety.scanning.mosaic import PostcodeRule
from safety.scanning.names import NameIndex
from safety.scanning.patterns import NI_FULL, nhs_checksum_ok, parse_date

TODAY = dt.date(2025, 6, 1)
many = settings(max_examples=200, deadline=None)

# Sentences around the identifier, with punctuation either side and no digits of their own.
SENTENCES = [
    "Client {} called.",
    "({})",
    "Tel:{}; no answer",
    "{}. Will ring again",
    'She gave "{}" as hers',
    "Details [{}], checked",
    "Noted - {} - on the form",
    "her number is {}!",
    "x\n{}\ny",
]
SEPARATORS = ["", " ", "  ", "-", ".", " - ", "/", "\u2013"]


def scrub(text: str, rule=None, places=()) -> str:
    names = NameIndex()
    names.add_places(places)  # what the engine learns from the file's ward and service columns
    return TextScrubber(names, today=TODAY, postcode=rule).scrub([text])[0]


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def compact(text: str) -> str:
    return re.sub(r"[\W_]", "", text).upper()


def grouped(draw, text: str, separators=SEPARATORS, max_cuts: int = 4) -> str:
    """``text`` cut into groups anywhere, joined by separators drawn per gap or for all."""
    if len(text) < 2:
        return text
    cuts = sorted(draw(st.sets(st.integers(1, len(text) - 1), max_size=max_cuts)))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    if draw(st.booleans()):
        sep = draw(st.sampled_from(separators))
        return sep.join(pieces)
    out = pieces[0]
    for piece in pieces[1:]:
        out += draw(st.sampled_from(separators)) + piece
    return out


# -- phone numbers --------------------------------------------------------------------------

NATIONAL = st.one_of(
    st.integers(0, 999_999).map(lambda n: f"7700{n:06d}"),  # mobile (Ofcom's drama range)
    st.integers(0, 99_999_999).map(lambda n: f"7{n % 9 + 1}{n:08d}"),  # any mobile
    st.integers(0, 9_999).map(lambda n: f"2079460{n % 1000:03d}"),  # London, drama range
    st.integers(0, 99_999_999).map(lambda n: f"20{n:08d}"),  # London
    st.integers(0, 999_999).map(lambda n: f"1632{n:06d}"),  # five-digit area code
    st.integers(0, 9_999_999).map(lambda n: f"161{n:07d}"),  # four-digit area code
    st.integers(0, 9_999_999).map(lambda n: f"113{n:07d}"),
    st.integers(0, 99_999).map(lambda n: f"169772{n % 10_000:04d}"[:9]),  # nine-digit numbers
    st.integers(0, 9_999_999).map(lambda n: f"300{n:07d}"),  # 03 numbers
)


# Words before a number typed without its trunk 0 that say it is a phone number.
PHONE_WORDS = ["mob ", "Tel: ", "call her on ", "Phone number ", "rang ", "her mob is ", "tel no. "]


@st.composite
def typed_phone(draw):
    national = draw(NATIONAL)
    area = draw(st.integers(2, 5))
    body = grouped(draw, national[area - 1 :], separators=[" ", "-", ".", "  ", ""], max_cuts=3)
    head = national[: area - 1]
    style = draw(st.integers(0, 7))
    if style == 0:
        typed = f"0{head}" + draw(st.sampled_from([" ", "-", ".", "", "  "])) + body
    elif style == 1:
        typed = f"(0{head})" + draw(st.sampled_from([" ", ""])) + body
    elif style == 2:
        typed = draw(st.sampled_from(["+44", "+44 ", "0044 ", "+44-"])) + head + " " + body
    elif style == 3:
        typed = draw(st.sampled_from(["+44 (0)", "+44(0)", "+44 (0) ", "0044 (0)"])) + head
        typed += draw(st.sampled_from([" ", "-"])) + body
    elif style == 4:
        typed = "+44" + national
    elif style == 5:
        typed = grouped(draw, "0" + national, separators=[" ", "-", "."], max_cuts=5)
    elif style == 6:
        typed = " ".join("0" + national)  # every digit spaced
    else:  # no trunk 0: "mob 7700 900123", "Tel: (20) 7946 0123"
        head = f"({head})" if draw(st.booleans()) else head
        typed = draw(st.sampled_from(PHONE_WORDS)) + head + " " + body
    typed += draw(st.sampled_from(["", "", " ext 123", " ext. 45", " x2201", ", extension 7"]))
    return national, typed


@many
@given(typed_phone(), st.sampled_from(SENTENCES))
def test_phone_numbers_typed_any_way_are_removed(phone, sentence):
    national, typed = phone
    out = scrub(sentence.format(typed))
    assert national not in digits(out), (typed, out)
    assert "[PHONE]" in out, out


@many
@given(
    # (ten digits with a valid NHS check digit are an NHS number: removed, as they should be)
    NATIONAL.filter(lambda n: len(n) == 10 and n[0] in "1237" and not nhs_checksum_ok(n)),
    st.sampled_from(["invoice ", "account ", "claim no ", "ref ", "Case number ", "order #"]),
    st.sampled_from(["", " ", "-"]),
)
def test_ten_digits_without_a_trunk_0_or_a_phone_word_are_kept_as_a_reference(
    national, reference, sep
):
    """Account, claim and invoice numbers look like a phone number missing its 0: a phone word
    is what makes one a phone number."""
    note = f"Paid {reference}{national[:4]}{sep}{national[4:]} in full."
    assert scrub(note) == note


# -- National Insurance numbers -------------------------------------------------------------

LETTERS = "ABCEGHJKLMNOPRSTWXYZ"
PREFIXES = [a + b for a in LETTERS for b in LETTERS if NI_FULL.fullmatch(f"{a}{b}123456")]


# Words that say an NI number follows: with them, any letter pair and six digits are one.
NI_WORDS = ["NI ", "NI no: ", "NINO ", "N.I. number ", "national insurance no. ", "NI number is "]


@st.composite
def typed_ni(draw):
    said = draw(st.sampled_from(["", "", *NI_WORDS]))
    letters = "".join(draw(st.lists(st.sampled_from("QVUDFI" + LETTERS), min_size=2, max_size=2)))
    prefix = letters if said and draw(st.booleans()) else draw(st.sampled_from(PREFIXES))
    number = draw(st.integers(0, 999_999).map(lambda n: f"{n:06d}"))
    suffix = draw(st.sampled_from(["", "A", "B", "C", "D"]))
    case = draw(st.sampled_from([str.upper, str.lower, str.title, lambda s: s]))
    sep = draw(st.sampled_from(["", " ", "-"]))
    letters = prefix if draw(st.booleans()) else prefix[0] + sep + prefix[1]
    body = grouped(draw, number, separators=["", " ", "-", "  ", "."], max_cuts=3)
    typed = letters + draw(st.sampled_from(["", " ", "-", "  ", "."])) + body
    if suffix:
        typed += draw(st.sampled_from(["", " ", "-", "."])) + suffix
    typed = case(typed)
    if not said and re.fullmatch(r"[A-Za-z]{2}-\d{6}", typed):
        typed += "A"  # with no suffix and no NI word, read as a reference number ("SR-100000")
    # In dots and a space after the letters ("on 14.03.24"), it takes capitals and a suffix
    # letter ("JT 12.34.56 C") or an NI word to be told from a date or an amount.
    spaced = re.match(r"[A-Za-z][ -]?[A-Za-z]\s", typed)
    if "." in typed and spaced and not re.fullmatch(r"[A-Z][ -]?[A-Z]\s.*\d[ .-]?[A-D]", typed):
        said = said or "NI "
    return prefix + number, said + typed


@many
@given(typed_ni(), st.sampled_from(SENTENCES))
def test_ni_numbers_in_any_case_and_spacing_are_removed(ni, sentence):
    value, typed = ni
    out = scrub(sentence.format(typed))
    assert value not in compact(out), (typed, out)
    assert value[2:] not in digits(out)


@pytest.mark.parametrize(
    "note",
    [
        "ref SR-100000 closed",
        "Case AB-123456 opened",
        "Seen on 14.03.24 by the GP",
        "Seen on 14.03.24. A referral was made",
        "Balance at 1234.56 today",
        "No DOB given; visited by JT on 14.03.24",
        "Put in 5 1st class stamps",
        "Flat at 2 2nd floor is empty",
    ],
)
def test_references_dates_amounts_and_ordinals_after_short_words_are_kept(note):
    assert scrub(note) == note


# -- NHS numbers ----------------------------------------------------------------------------

NHS = (
    st.integers(400_000_000, 799_999_999)
    .map(str)
    .flatmap(
        lambda nine: st.sampled_from(
            [nine + str(d) for d in range(10) if nhs_checksum_ok(nine + str(d))] or ["9434765919"]
        )
    )
)


@st.composite
def typed_nhs(draw):
    number = draw(NHS)
    if draw(st.booleans()):
        sep = draw(st.sampled_from(["", " ", "-", ".", "/", "  "]))
        typed = f"{number[:3]}{sep}{number[3:6]}{sep}{number[6:]}"
    else:
        typed = grouped(draw, number, separators=[" ", "-", ".", ""], max_cuts=4)
    return number, typed


@many
@given(typed_nhs(), st.sampled_from(SENTENCES))
def test_nhs_numbers_in_any_grouping_are_removed(nhs, sentence):
    number, typed = nhs
    out = scrub(sentence.format(typed))
    assert number not in digits(out), (typed, out)


# -- dates of birth -------------------------------------------------------------------------

DATE_FORMATS = [
    "{d:02d}/{m:02d}/{y}",
    "{d}/{m}/{y}",
    "{d:02d}-{m:02d}-{y}",
    "{d:02d}.{m:02d}.{y}",
    "{d:02d}/{m:02d}/{yy:02d}",
    "{d}.{m}.{yy:02d}",
    "{y}-{m:02d}-{d:02d}",
    "{y}/{m:02d}/{d:02d}",
    "{d} {month} {y}",
    "{d} {mon} {y}",
    "{d}{th} {month} {y}",
    "{d}{th} of {month} {y}",
    "{d:02d}-{mon}-{y}",
    "{d:02d}-{MON}-{yy:02d}",
    "{d}{mon}{y}",
    "{month} {d}, {y}",
    "{month} {d}{th} {y}",
    "{d} {month_lower} {y}",
]


def typed_date(born: dt.date, form: str) -> str:
    th = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(born.day, "th")
    month = born.strftime("%B")
    return form.format(
        d=born.day,
        m=born.month,
        y=born.year,
        yy=born.year % 100,
        month=month,
        mon=month[:3],
        MON=month[:3].upper(),
        month_lower=month.lower(),
        th=th,
    )


@many
@given(
    st.dates(TODAY - dt.timedelta(days=365 * 99), TODAY - dt.timedelta(days=365 * 10 + 3)),
    st.sampled_from(DATE_FORMATS),
    st.sampled_from(["", "DOB ", "d.o.b. ", "born ", "Date of birth: ", "(b. "]),
    st.sampled_from(SENTENCES),
)
def test_birth_dates_in_every_format_the_column_pass_reads_are_removed(born, form, word, sentence):
    typed = typed_date(born, form)
    if not form.startswith("{month}"):  # the column pass reads every one of these itself
        assert parse_date(typed, TODAY) == born
    out = scrub(sentence.format(word + typed))
    assert "[DATE]" in out, (typed, out)
    assert str(born.year)[-2:] not in digits(out)[-2:] or not digits(out)


# What marks a recent date as a child's birth date: a birth word, or the date beside the child
# (a word for a child and the child's name, an age, or the name just before a bracket).
CHILD_WORDS = [
    "Her son, DOB ",
    "Her son, d.o.b. ",
    "Her son, born ",
    "Her son, Date of birth: ",
    "Her son, born on ",
    "son Jayden, ",
    "Son Jayden ",
    "her daughter (",
    "daughter Amy Rose: ",
    "the baby, ",
    "grandson Kacper - ",
    "her daughter Charity - ",
    "aged 5 (",
    "Age: 7, ",
    "3 years old, ",
    "4yo (",
    "Jayden (",
]


@many
@given(
    st.dates(TODAY - dt.timedelta(days=365 * 9), TODAY),
    st.sampled_from(DATE_FORMATS),
    st.sampled_from(CHILD_WORDS),
)
def test_a_child_s_recent_birth_date_is_removed_beside_the_child(born, form, words):
    out = scrub(f"{words}{typed_date(born, form)}, lives with her.")
    assert "[DATE]" in out, out
    assert str(born.year) not in out


@many
@given(
    st.dates(TODAY - dt.timedelta(days=365 * 9), TODAY),
    st.sampled_from(DATE_FORMATS),
    st.sampled_from(
        [
            "Her son was seen on ",
            "Visited the family on ",
            "Son's appointment: ",
            "Kids Club ",
            "Referred to Mind (",
            "Daughter attended on ",
            "Paid on ",
        ]
    ),
)
def test_a_recent_date_of_service_is_kept_even_near_a_child(served, form, words):
    note = f"{words}{typed_date(served, form)}, as planned."
    assert scrub(note) == note


# -- postcodes ------------------------------------------------------------------------------

OUTWARDS = ["NW5", "N1", "SW1A", "EC1A", "W1B", "E14", "M1", "B33", "CR2", "DN55", "LS10", "BT1"]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@st.composite
def typed_postcode(draw):
    outward = draw(st.sampled_from(OUTWARDS))
    inward = (
        str(draw(st.integers(0, 9)))
        + draw(st.sampled_from(INWARD_LETTERS))
        + draw(st.sampled_from(INWARD_LETTERS))
    )
    case = draw(st.sampled_from([str.upper, str.lower, str.title, str.swapcase]))
    area = re.match("[A-Z]+", outward)[0]
    typed_outward = outward
    if draw(st.booleans()):  # a space inside the outward code: "NW 5", "SW 1A"
        typed_outward = area + " " + outward[len(area) :]
    typed = typed_outward + draw(st.sampled_from(["", " ", "  ", "   ", "-"])) + inward
    return outward + " " + inward, case(typed)


@many
@given(typed_postcode(), st.sampled_from(SENTENCES))
def test_small_cell_postcodes_in_any_case_and_spacing_are_removed(postcode, sentence):
    code, typed = postcode
    out = scrub(sentence.format(typed), PostcodeRule({}, 10))
    assert code.replace(" ", "") not in compact(out), (typed, out)
    assert "[POSTCODE]" in out


@many
@given(typed_postcode(), st.sampled_from(SENTENCES))
def test_other_postcodes_in_free_text_are_generalised_to_their_district(postcode, sentence):
    code, typed = postcode
    out = scrub(sentence.format(typed), PostcodeRule({code: 25}, 10))
    assert code.replace(" ", "") not in compact(out), (typed, out)
    assert sentence.format(code.split(" ")[0]) == out


# -- what must survive ----------------------------------------------------------------------

WARDS = ["Kentish Town", "Gospel Oak", "Regent's Park", "St Pancras and Somers Town", "Holborn"]
ORGANISATIONS = ["Age UK", "Citizens Advice", "Mind", "Trussell Trust", "NHS North Central London"]


@many
@given(
    st.decimals(min_value=0, max_value=99_999, places=2).map(lambda d: f"£{d:,}"),
    st.dates(TODAY - dt.timedelta(days=365 * 3), TODAY + dt.timedelta(days=365)),
    st.sampled_from(["%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%-d %b %Y", "%Y-%m-%d", "%d.%m.%y"]),
    st.sampled_from(["SR-{}", "REF/{}", "Case {}", "ticket #{}", "Job {}-A", "invoice {}"]),
    st.integers(100, 9_999_999),
    st.sampled_from(WARDS),
    st.sampled_from(ORGANISATIONS),
)
def test_amounts_dates_of_service_references_wards_and_organisations_are_kept(
    amount, served, date_format, reference, ref_number, ward, organisation
):
    if "%y" in date_format:  # a two-digit year after this one reads as the last century's
        served = min(served, TODAY)
    note = (
        f"Paid {amount} on {served.strftime(date_format)} (ref {reference.format(ref_number)}) "
        f"at the {ward} hub; referred to {organisation}. Balance at {amount[1:].replace(',', '')}."
    )
    assert scrub(note, places=WARDS + ORGANISATIONS) == note
