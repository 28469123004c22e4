"""A data owner uploads a CSV, watches the scan and reads the report; the information-rights
reviewer chooses remedies; an analyst downloads the redacted copy, which holds no raw values."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from safety.demo import synthetic_csv
from safety.models import Dataset, DatasetAccess
from teams.models import Membership, Programme, Role, SiteGroup, User
from tests.browser.conftest import PASSWORD, after_navigation, path_of, signed_in, visit
from tests.dataset_helpers import approve_evaluation, data_source
from tests.factories import OrganisationFactory, give_totp

pytestmark = pytest.mark.browser


@pytest.fixture
def people(site_groups, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    programme = Programme.objects.create(
        name="Riverside Community Insights", slug="riverside", place="Riverside"
    )
    food_bank = OrganisationFactory(name="Northgate Food Bank")
    council = OrganisationFactory(name="Riverside Council")

    def person(email, name, org, group, role):
        user = User.objects.create_user(
            email, PASSWORD, display_name=name, organisation=org, organisation_confirmed=True
        )
        user.groups.add(site_groups[group])
        Membership.objects.create(programme=programme, user=user, role=role)
        return user

    owner = person(
        "ola@food.example", "Ola", food_bank, SiteGroup.VCS_PARTNER, Role.VCS_MEMBER_LEAD
    )
    reviewer = person(
        "rita@council.example", "Rita", council, SiteGroup.STAFF, Role.INFORMATION_RIGHTS
    )
    analyst = person("ana@council.example", "Ana", council, SiteGroup.STAFF, Role.DATA_ANALYST)
    for user in (owner, reviewer, analyst):  # everyone here may download data
        give_totp(user)
    source = data_source(programme, owner=food_bank)
    # The analyst is named on the approved evaluation check (its own journey:
    # test_safety_check_journey.py).
    approve_evaluation(source, analyst)
    return source, owner, reviewer, analyst


def test_upload_scan_review_and_download_a_redacted_copy(page, live_server, people, tmp_path):
    source, owner, reviewer, analyst = people
    upload = tmp_path / "visits.csv"
    raw = synthetic_csv(rows=300)
    upload.write_bytes(raw)

    # The data owner uploads the export and watches the scan.
    signed_in(page, owner, live_server)
    visit(page, "/datasets/", live_server.url)
    after_navigation(
        page, page.get_by_role("link", name="Upload a file for Food bank visits").click
    )
    page.get_by_label("Upload a file").set_input_files(str(upload))
    after_navigation(page, page.get_by_role("button", name="Upload and scan").click)
    dataset = Dataset.objects.get()
    assert path_of(page) == f"/datasets/{dataset.pk}/progress/"
    expect(page.locator("main")).to_contain_text("Rows read")
    after_navigation(page, page.get_by_role("link", name="Read the report").click)
    expect(page.locator("h1")).to_contain_text("Personal data report")
    expect(page.locator("main")).to_contain_text("NHS numbers")

    # The reviewer pseudonymises the NHS numbers and confirms.
    signed_in(page, reviewer, live_server)
    visit(page, f"/datasets/{dataset.pk}/", live_server.url)
    after_navigation(page, page.get_by_role("link", name="Choose remedies").click)
    page.get_by_label("Column ‘nhs’").select_option("pseudonymise")
    # ... and keeps the second of the k-anonymity options the scan offers.
    page.get_by_role("group", name="How much detail to keep").get_by_role("radio").nth(1).check()
    after_navigation(page, page.get_by_role("button", name="Confirm and redact").click)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Remedies confirmed")
    after_navigation(page, page.get_by_role("link", name="Read the report").click)
    expect(page.locator("main")).to_contain_text("Replace with a keyed pseudonym")
    expect(page.get_by_role("row", name="2 Chosen")).to_be_visible()

    # The analyst downloads the redacted copy, saying why.
    signed_in(page, analyst, live_server)
    visit(page, f"/datasets/{dataset.pk}/", live_server.url)
    after_navigation(page, page.get_by_role("link", name="Download the redacted copy").click)
    page.get_by_label("Why do you need this file?").fill("Visits per ward for the insight")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")

    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 300
    assert "full_name" not in rows[0]
    for record in csv.DictReader(io.StringIO(raw.decode())):
        for column in ("full_name", "nhs", "phone", "contact", "postcode"):
            assert record[column] not in text
    access = DatasetAccess.objects.get()
    assert (access.user, access.what) == (analyst, "redacted")


def test_a_bad_file_is_refused_and_a_workbook_reports_its_hidden_sheet(
    page, live_server, people, tmp_path
):
    """The owner's first file is not a spreadsheet; then a workbook with a very hidden sheet of
    contact details, a note and uncalculated formulas: the owner chooses the visible sheet and
    the report says what the rest of the workbook holds and what the uploader should check."""
    from safety.demo import synthetic_workbook

    source, owner, reviewer, analyst = people
    picture = tmp_path / "visits.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    book = tmp_path / "visits.xlsx"
    book.write_bytes(synthetic_workbook(rows=30))

    signed_in(page, owner, live_server)
    visit(page, f"/data-sources/{source.pk}/upload/", live_server.url)
    page.get_by_label("Upload a file").set_input_files(str(picture))
    after_navigation(page, page.get_by_role("button", name="Upload and scan").click)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "This file is a PNG image, not a spreadsheet"
    )
    assert not Dataset.objects.exists()

    page.get_by_label("Upload a file").set_input_files(str(book))
    after_navigation(page, page.get_by_role("button", name="Upload and scan").click)
    expect(page.locator("main")).to_contain_text("Contacts (hidden sheet)")
    page.get_by_label("Visits").check()
    after_navigation(page, page.get_by_role("button", name="Scan this sheet").click)
    expect(page.locator(".govuk-warning-text")).to_contain_text("formulas with no saved result")
    after_navigation(page, page.get_by_role("link", name="Read the report").click)

    main = page.locator("main")
    expect(main.get_by_role("heading", name="Warnings")).to_be_visible()
    expect(main).to_contain_text("The rest of the workbook")
    row = main.get_by_role("row", name="Contacts")
    expect(row).to_contain_text("very hidden")
    expect(row).to_contain_text("Names (30)")
    expect(main).to_contain_text("Comments and notes: 1, of which 1 hold personal data")
    expect(main).to_contain_text("A CSV file of the sheet Visits alone")
