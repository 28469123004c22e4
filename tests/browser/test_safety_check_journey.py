"""The data owner uploads; an analyst writes the evaluation safety check; the information-rights
reviewer chooses remedies and signs the check off with a condition; the analyst it names gets the
redacted copy; someone outside the programme is refused. With JavaScript and without."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from safety.demo import synthetic_csv
from safety.models import CheckCondition, Dataset, DatasetAccess, SafetyCheck
from teams.models import Membership, Programme, Role, SiteGroup, User
from tests.browser.conftest import PASSWORD, after_navigation, path_of, signed_in, visit
from tests.dataset_helpers import data_source
from tests.factories import OrganisationFactory, give_totp

pytestmark = pytest.mark.browser


@pytest.fixture
def people(site_groups, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    programme = Programme.objects.create(
        name="Riverside Community Insights", slug="riverside", place="Riverside"
    )
    elsewhere = Programme.objects.create(name="Hillside", slug="hillside", place="Hillside")
    food_bank = OrganisationFactory(name="Northgate Food Bank")
    council = OrganisationFactory(name="Riverside Council")

    def person(email, name, org, group, role, on=programme):
        user = User.objects.create_user(
            email, PASSWORD, display_name=name, organisation=org, organisation_confirmed=True
        )
        user.groups.add(site_groups[group])
        Membership.objects.create(programme=on, user=user, role=role)
        give_totp(user)
        return user

    owner = person(
        "ola@food.example", "Ola", food_bank, SiteGroup.VCS_PARTNER, Role.VCS_MEMBER_LEAD
    )
    reviewer = person(
        "rita@council.example", "Rita", council, SiteGroup.STAFF, Role.INFORMATION_RIGHTS
    )
    analyst = person("ana@council.example", "Ana", council, SiteGroup.STAFF, Role.DATA_ANALYST)
    outsider = person(
        "olu@hill.example", "Olu", council, SiteGroup.STAFF, Role.DATA_ANALYST, on=elsewhere
    )
    source = data_source(programme, owner=food_bank)
    return source, owner, reviewer, analyst, outsider


def _answer(page, question: str, answer: str, note: str = "") -> None:
    group = page.get_by_role("group", name=question)
    group.get_by_label(answer, exact=True).check()
    if note:
        # The note belongs to the question before it: the next textarea after the group.
        group.locator("xpath=following::textarea[1]").fill(note)


@pytest.mark.parametrize("tab", ["page", "nojs_page"])
def test_owner_uploads_reviewer_signs_off_analyst_downloads(
    tab, request, live_server, people, tmp_path
):
    page = request.getfixturevalue(tab)
    source, owner, reviewer, analyst, outsider = people
    upload = tmp_path / "visits.csv"
    raw = synthetic_csv(rows=40)
    upload.write_bytes(raw)

    # The data owner uploads the export from the data source's page.
    signed_in(page, owner, live_server)
    visit(page, f"/data-sources/{source.pk}/", live_server.url)
    after_navigation(
        page, page.get_by_role("link", name="Upload a file for Food bank visits").click
    )
    page.get_by_label("Upload a file").set_input_files(str(upload))
    after_navigation(page, page.get_by_role("button", name="Upload and scan").click)
    dataset = Dataset.objects.get()
    assert path_of(page) == f"/datasets/{dataset.pk}/progress/"

    # The analyst writes the evaluation check: the scan has answered what it can.
    signed_in(page, analyst, live_server)
    visit(page, f"/ideas/{source.idea_id}/safety-checks/", live_server.url)
    after_navigation(
        page,
        page.get_by_role("button", name="Start the evaluation check of Food bank visits").click,
    )
    expect(page.get_by_role("group", name="Does it include personal data?")).to_be_visible()
    assert (
        page.get_by_role("group", name="Does it include personal data?")
        .get_by_label("Yes", exact=True)
        .is_checked()
    )
    _answer(page, "Does it include special-category data?", "No")
    _answer(page, "Is any of it confidential for other reasons?", "No")
    _answer(
        page,
        "Is a sharing agreement in place, or could one be?",
        "Not known yet",
        "The council's legal team is drafting one",
    )
    _answer(page, "Would a redacted version still be useful for the analysis?", "Yes")
    page.get_by_label("Ana").check()
    after_navigation(page, page.get_by_role("button", name="Send for sign-off").click)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Sent for sign-off")
    check = SafetyCheck.objects.get()
    assert check.status == SafetyCheck.Status.WAITING

    # The reviewer chooses remedies, then finds the check in their queue and signs it off.
    signed_in(page, reviewer, live_server)
    visit(page, f"/datasets/{dataset.pk}/remedies/", live_server.url)
    after_navigation(page, page.get_by_role("button", name="Confirm and redact").click)
    visit(page, "/safety-checks/waiting/", live_server.url)
    after_navigation(page, page.get_by_role("link", name=str(check)).click)
    after_navigation(page, page.get_by_role("link", name="Sign off this check").click)
    page.get_by_label("Approved with conditions").check()
    page.get_by_label("Reasons and advice").fill("Ward-level counts only.")
    first = page.get_by_role("group", name="Condition 1 (only with an approval with conditions)")
    first.get_by_label("Condition", exact=True).fill("Delete the local copy after the analysis")
    first.get_by_label("Who will meet it?").select_option(label="Ana")
    first.get_by_label("Day").fill("1")
    first.get_by_label("Month").fill("6")
    first.get_by_label("Year").fill(str(date.today().year + 1))
    after_navigation(page, page.get_by_role("button", name="Record the decision").click)
    expect(page.locator("main")).to_contain_text("Approved with conditions")
    condition = CheckCondition.objects.get()
    assert condition.owner == analyst

    # The analyst it names downloads the redacted copy.
    signed_in(page, analyst, live_server)
    visit(page, f"/datasets/{dataset.pk}/", live_server.url)
    after_navigation(page, page.get_by_role("link", name="Download the redacted copy").click)
    page.get_by_label("Why do you need this file?").fill("Visits per ward for the insight")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert len(list(csv.DictReader(io.StringIO(text)))) == 40
    for record in csv.DictReader(io.StringIO(raw.decode())):
        assert record["full_name"] not in text and record["nhs"] not in text
    assert DatasetAccess.objects.filter(user=analyst, what="redacted").count() == 1

    # Someone from another programme is refused, and knows nothing of the data.
    signed_in(page, outsider, live_server)
    visit(page, f"/datasets/{dataset.pk}/download/redacted/", live_server.url)
    expect(page.locator("h1")).to_contain_text("Page not found")
    assert DatasetAccess.objects.filter(user=outsider).count() == 0


def test_reviewer_records_an_agreement_and_reads_the_evidence_pack(
    page, live_server, people, tmp_path
):
    source, owner, reviewer, analyst, outsider = people
    signed_in(page, reviewer, live_server)
    visit(page, "/programmes/riverside/sharing-agreements/", live_server.url)
    after_navigation(page, page.get_by_role("link", name="Add an agreement").click)
    page.get_by_label("Name of the agreement").fill("Food bank visits for the insight")
    page.get_by_label("Northgate Food Bank").check()
    page.get_by_label("What is the data shared for?").fill("Finding who stops visiting")
    page.get_by_label("Public task (Article 6(1)(e))").check()
    page.get_by_label("What kinds of data does it cover?").fill("Visit dates and wards")
    page.get_by_label("Food bank visits (Who stops visiting?)").check()
    year = date.today().year
    for name, (day, month, when) in {
        "Start date": (1, 1, year),
        "Review date": (1, 1, year + 1),
        "End date": (1, 1, year + 2),
    }.items():
        group = page.get_by_role("group", name=name)
        group.get_by_label("Day").fill(str(day))
        group.get_by_label("Month").fill(str(month))
        group.get_by_label("Year").fill(str(when))
    page.get_by_label("External reference (optional)").fill("ISG-0042")
    after_navigation(page, page.get_by_role("button", name="Save the agreement").click)
    expect(page.locator("h1")).to_contain_text("Food bank visits for the insight")

    document = tmp_path / "signed.pdf"
    document.write_bytes(b"%PDF-1.7 signed")
    after_navigation(page, page.get_by_role("link", name="Upload the signed agreement").click)
    page.get_by_label("Upload the signed agreement").set_input_files(str(document))
    after_navigation(page, page.get_by_role("button", name="Upload and mark as signed").click)
    expect(page.locator("main")).to_contain_text("Signed document stored")

    # The data source's page shows it; the evidence pack lists it with its reference.
    visit(page, f"/data-sources/{source.pk}/", live_server.url)
    expect(page.locator("main")).to_contain_text("Food bank visits for the insight")
    visit(page, f"/ideas/{source.idea_id}/evidence-pack/", live_server.url)
    expect(page.locator("main")).to_contain_text("ISG-0042")
