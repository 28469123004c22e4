"""Every detector with true and false examples, checksums included."""

import datetime as dt

import pytest

from safety.scanning.detectors import classify, count_matches
from safety.scanning.freetext import TextScrubber
from safety.scanning.names import NameIndex
from safety.scanning.patterns import (
    PII_TYPE_LABELS,
    PII_TYPES,
    is_email,
    is_nhs,
    is_ni,
    is_phone,
    is_postcode,
    mask,
    nhs_checksum_ok,
    nhs_checksums_ok,
    normalise_postcode,
    parse_date,
)

TODAY = dt.date(2025, 6, 1)


def test_every_type_the_scanner_reports_has_a_name_people_read():
    assert set(PII_TYPE_LABELS) == set(PII_TYPES)


@pytest.mark.parametrize("value", ["943 476 5919", "9434765919", "401 023 2137", "401-023-2137"])
def test_nhs_numbers_with_a_valid_check_digit(value):
    assert is_nhs(value)


@pytest.mark.parametrize("value", ["943 476 5918", "1234567890", "94347659", "943 476 59190"])
def test_nhs_numbers_failing_the_checksum_or_shape(value):
    assert not is_nhs(value)


def test_nhs_check_digit_of_ten_is_never_valid():
    # 000000006x: 6 x 2 = 12, remainder 1, check digit 10 -> invalid whatever the last digit
    assert not any(nhs_checksum_ok(f"000000006{d}") for d in range(10))


def test_vectorised_checksum_agrees_with_scalar():
    values = ["9434765919", "9434765918", "4010232137", "0000000000"]
    assert nhs_checksums_ok(values).tolist() == [nhs_checksum_ok(v) for v in values]


@pytest.mark.parametrize(
    "value",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+44 (0)20 7946 0958",
        "(020) 7946 0958",
        "020-7946-0958",
        "0044 1632 960001",
        "01632 960001",
    ],
)
def test_uk_phone_numbers(value):
    assert is_phone(value)


@pytest.mark.parametrize("value", ["12345", "0000 000000", "+33 1 23 45 67 89", "250.00", "2024"])
def test_not_phone_numbers(value):
    assert not is_phone(value)


@pytest.mark.parametrize(
    "value",
    ["AB123456C", "ab 12 34 56 c", "CE123456D", "JG103759A", "AB123456", "AB.12.34.56.C"]
    + ["ab-123456-c", "JG 10 37 59"],
)
def test_ni_numbers(value):
    assert is_ni(value)


@pytest.mark.parametrize(
    "value", ["DA123456C", "AO123456C", "GB123456A", "ZZ123456A", "AB12345C", "AB123456E"]
)
def test_ni_numbers_with_prefixes_hmrc_never_issues(value):
    assert not is_ni(value)


@pytest.mark.parametrize(
    "value", ["NW5 1TL", "nw51tl", "SW1A 1AA", "EC1A  1BB", "m1 1ae", "GIR 0AA"]
)
def test_postcodes_any_case_and_spacing(value):
    assert is_postcode(value)


@pytest.mark.parametrize("value", ["NW5", "QW1 1AA", "NW5 1TI", "12345", "Kentish Town"])
def test_not_postcodes(value):
    assert not is_postcode(value)


def test_postcode_normalised():
    assert normalise_postcode("nw51tl") == "NW5 1TL"


@pytest.mark.parametrize("value", ["a.b@example.com", "grace.smith+x@council.gov.uk"])
def test_emails(value):
    assert is_email(value)


@pytest.mark.parametrize("value", ["a.b@", "@example.com", "Age UK", "grace at example dot com"])
def test_not_emails(value):
    assert not is_email(value)


def test_dates_parsed_in_uk_order():
    assert parse_date("03/04/1980") == dt.date(1980, 4, 3)
    assert parse_date("1980-04-03") == dt.date(1980, 4, 3)
    assert parse_date("3 April 1980") == dt.date(1980, 4, 3)
    assert parse_date("31/02/1980") is None
    assert parse_date("April") is None


def test_mask_never_shows_the_value():
    assert mask("Jane Smith") == "J*** S****"
    assert "5919" not in mask("943 476 5919")


def _kind(header, values):
    return classify(header, values, NameIndex(), TODAY)


NAMES = [
    "Grace Smith",
    "Tom Jones",
    "Aisha Khan",
    "Oluwaseun Adeyemi",
    "Piotr Nowak",
    "Mary O'Brien",
    "Judith Okafor",
    "Mohammed Ali",
    "Sarah Brown",
    "Nguyen Van An",
] * 3


@pytest.mark.parametrize(
    ("header", "values", "kind"),
    [
        ("ref", ["943 476 5919", "401 023 2137", "9434765919"] * 5, "NHS_NUMBER"),
        ("info", ["a@example.com", "b.c@example.org", "d@x.co.uk"] * 5, "EMAIL"),
        ("contact", ["07700 900123", "+44 20 7946 0958", "01632 960001"] * 5, "PHONE"),
        ("x", ["AB123456C", "CE123456D", "JG103759A"] * 5, "NI_NUMBER"),
        ("x", ["AB.12.34.56.C", "ce-123456-d", "JG 10 37 59 A"] * 5, "NI_NUMBER"),
        ("where", ["NW5 1TL", "nw5 2ab", "SW1A 1AA"] * 5, "POSTCODE"),
        ("client", NAMES, "PERSON_NAME"),
        ("born", ["01/02/1950", "03/04/1980", "05/06/2001", "1970-01-01"] * 5, "DATE_OF_BIRTH"),
        (
            "home",
            ["12 High Street, London", "Flat 3, 45 Acacia Avenue", "7 Mill Lane"] * 5,
            "ADDRESS",
        ),
        ("case", [f"CASE-{i:06d}" for i in range(40)], "SYSTEM_ID"),
        ("request", [f"SR-{n:06d}" for n in range(100_000, 100_040)], "SYSTEM_ID"),  # not NI
    ],
)
def test_columns_detected_by_content_not_header(header, values, kind):
    assert _kind(header, values).kind == kind


@pytest.mark.parametrize(
    ("header", "values"),
    [
        ("organisation", ["Age UK", "Citizens Advice", "Mind", "Shelter", "Trussell Trust"] * 8),
        ("ward", ["Kentish Town", "Camden Town", "Highgate", "Bloomsbury", "Holborn"] * 8),
        ("month", ["January", "February", "March", "April", "May", "June"] * 5),
        ("service", ["Food bank", "Housing support", "Debt advice", "Befriending"] * 8),
        ("amount", ["250.00", "-5", "1200", "37.5", "0"] * 8),
        ("referral_date", ["01/02/2024", "03/04/2023", "05/06/2024"] * 5),
    ],
)
def test_false_alarms_avoided(header, values):
    profile = _kind(header, values)
    assert profile.pii_types == [], (header, profile)


def test_quasi_identifiers_suggested():
    assert _kind("Age", ["34", "56", "78", "12"] * 5).qi_kind == "age"
    assert _kind("sex", ["Male", "Female", "F", "M"] * 5).qi_kind == "sex"
    assert (
        _kind("eth", ["White British", "Asian or Asian British", "Black African"] * 5).qi_kind
        == "ethnicity"
    )
    assert _kind("Ward name", ["Kentish Town", "Highgate"] * 5).qi_kind == "ward"


def test_count_matches_validates_checksums():
    assert count_matches("NHS_NUMBER", ["943 476 5919", "943 476 5918", "", "4010232137"]) == 2
    assert count_matches("PHONE", ["07700 900123", "12345"]) == 1
    assert count_matches("EMAIL", ["a@b.com", "nope"]) == 1


def _scrub(text, file_names=()):
    names = NameIndex()
    names.add_file_names(file_names)
    return TextScrubber(names).scrub([text])[0]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("I spoke to Judith yesterday", "I spoke to [NAME] yesterday"),
        ("her names is Grace Smith.", "her names is [NAME]."),
        ("Mrs Patel called", "[NAME] called"),
        ("her aunt Xanthe needs help", "her aunt [NAME] needs help"),
        ("Call 07700 900123 today", "Call [PHONE] today"),
        ("email a.b@example.com now", "email [EMAIL] now"),
        ("NHS 943 476 5919 noted", "NHS [NHS_NUMBER] noted"),
        ("NI AB123456C on file", "NI [NI_NUMBER] on file"),
        ("lives at NW5 1TL", "lives at [POSTCODE]"),
        ("born 12/03/1980", "born [DATE]"),
        ("moved to 12 High Street last week", "moved to [ADDRESS] last week"),
        ("Oluwaseun Adeyemi came in", "[NAME] came in"),
    ],
)
def test_free_text_spans_replaced_keeping_the_note(note, expected):
    assert _scrub(note) == expected


@pytest.mark.parametrize(
    "note",
    [
        "Referred to Age UK and Citizens Advice.",
        "Mind offered counselling in Kentish Town ward.",
        "Paid 250.00 in May for the food bank.",
        "NHS number 943 476 5918 was mistyped",
    ],
)
def test_free_text_false_alarms(note):
    assert _scrub(note) == note


def test_file_names_are_used_in_notes():
    assert _scrub("Zyxa came in", ["Zyxa Qwertyuiop"]) == "[NAME] came in"


ETHNIC_GROUPS = [
    "White: English, Welsh, Scottish, Northern Irish or British",
    "White British",
    "White: Irish",
    "Gypsy, Roma or Irish Traveller",
    "Any other White background",
    "Mixed: White and Black Caribbean",
    "Mixed: White and Asian",
    "Asian or Asian British: Pakistani",
    "Asian or Asian British: Indian",
    "Black or Black British: African",
    "Black Caribbean",
    "Other: Arab",
    "Any other ethnic group",
    "Prefer not to say",
    "Not stated",
]


def test_a_column_of_ethnic_groups_is_a_category_to_generalise_not_names():
    profile = _kind("group", ETHNIC_GROUPS * 12)
    assert profile.pii_types == [] and profile.kind == "plain"
    assert profile.qi_kind == "ethnicity"


def test_repeated_labels_are_a_category_but_a_few_staff_names_are_still_names():
    labels = ["Other", "Mixed", "White", "Black", "Asian", "Roma"] * 10
    assert _kind("category", labels).kind == "plain"
    staff = ["Grace Smith", "Tom Jones", "Aisha Khan", "Piotr Nowak"] * 15
    assert _kind("key worker", staff).kind == "PERSON_NAME"


def test_category_words_are_not_names_in_notes():
    assert _scrub("White British, Mixed background, Roma family") == (
        "White British, Mixed background, Roma family"
    )


def test_a_contact_column_with_phones_and_emails_lists_both_and_drops_both():
    values = ["07700 900123", "grace@example.com", "020 7946 0123", "0161 496 0123"] * 10
    profile = _kind("contact", values)
    assert profile.pii_types == ["EMAIL", "PHONE"]


def test_address_lines_some_holding_the_postcode_list_the_postcode():
    values = ["12 High Street", "Flat 3, 45 Acacia Avenue", "7 Mill Lane NW5 1TL", "NW5 2AB"] * 10
    profile = _kind("address line 2", values)
    assert profile.kind == "ADDRESS" and profile.pii_types == ["POSTCODE", "ADDRESS"]


def test_a_birth_date_column_in_mixed_formats_is_caught():
    values = ["03/04/1987", "1987-04-03", "3 April 1987", "03.04.87", "12/11/1955", "1 Jan 2001"]
    assert _kind("d.o.b", values * 8).kind == "DATE_OF_BIRTH"
    assert _kind("when", values * 8).kind == "DATE_OF_BIRTH"  # spread of years, no header


@pytest.mark.parametrize(
    "value",
    ["03.04.87", "3/4/87", "3rd of April 1987", "03-APR-1987", "3Apr1987", "April 3, 1987"],
)
def test_dates_typed_in_any_common_way(value):
    assert parse_date(value, TODAY) == dt.date(1987, 4, 3)


def test_mixed_columns_get_the_remedy_that_covers_every_type():
    from safety.scanning.detectors import strictest_action

    assert strictest_action(["POSTCODE", "PHONE"]) == "drop"
    assert strictest_action(["DATE_OF_BIRTH"]) == "generalise"


def test_canned_notes_repeated_are_still_notes():
    notes = [
        "Left a voicemail asking the client to call back next week",
        "Food parcel delivered to the door, no concerns raised today",
        "Client did not attend the appointment, will try again soon",
    ] * 20
    assert _kind("notes", notes).kind == "free_text"
