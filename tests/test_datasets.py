"""Datasets through their pages: who may do what, the bad-file corpus, downloads and the log."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from safety import services, storage
from safety.demo import synthetic_csv
from safety.models import ColumnFinding, Dataset, DatasetAccess, RedactedCopy
from tests.bad_inputs import CONTACTS, CORPUS, VISITS, BadUpload, workbook
from tests.dataset_helpers import approve_evaluation, data_source, signed_agreement, stored_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(programme_a, team_member):
    """Programme A's data source, owned by the team member's organisation."""
    return data_source(programme_a, owner=team_member.organisation)


@pytest.fixture
def redacted(source, team_member, tmp_path) -> Dataset:
    return stored_dataset(source, tmp_path, uploader=team_member)


def _upload(client, source, content: bytes, name: str = "visits.csv"):
    url = reverse("safety:dataset_upload", args=[source.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def _stored_files() -> list:
    from django.conf import settings  # noqa: PLC0415

    folder = settings.PRIVATE_STORAGE_ROOT / "datasets"
    return sorted(folder.iterdir()) if folder.exists() else []


# --- Upload -------------------------------------------------------------------------------------


def test_owner_uploads_and_the_scan_runs(
    source, team_member, client_for, django_capture_on_commit_callbacks
):
    client = client_for(team_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, source, synthetic_csv(rows=30))

    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("safety:dataset_progress", args=[dataset.pk])
    assert dataset.status == Dataset.Status.SCANNED
    assert dataset.owner == team_member.organisation
    assert dataset.rows == dataset.rows_done == 30
    assert dataset.content_type == "csv"
    assert dataset.attempts == 1
    # Stored encrypted, under a generated name: not the plaintext, not the filename.
    (stored,) = _stored_files()
    assert stored.name == dataset.stored_name
    assert b"full_name" not in stored.read_bytes()
    assert dataset.findings.filter(name="nhs", pii_types=["NHS_NUMBER"]).exists()
    # The banner never says "being scanned" beside a status of "Scanned".
    page = client.get(response["Location"]).content.decode()
    assert "Your file has been uploaded." in page and "being scanned" not in page


@pytest.mark.parametrize("who", ["analyst", "reviewer", "facilitator", "admin"])
def test_only_the_owning_organisation_may_upload(who, source, persona, client_for):
    response = _upload(client_for(persona(who)), source, synthetic_csv(rows=5))
    assert response.status_code == 403
    assert not Dataset.objects.exists()


@pytest.mark.parametrize(("who", "offered"), [("team_member", True), ("admin", False)])
def test_the_upload_link_is_offered_only_to_whoever_may_upload(
    who, offered, source, persona, client_for
):
    """Pages ask the rules as the views do: a superuser is not offered what answers 403."""
    page = client_for(persona(who)).get(reverse("scoping:data_sources", args=[source.idea_id]))
    upload = reverse("safety:dataset_upload", args=[source.pk])
    assert (f'href="{upload}"' in page.content.decode()) is offered


@pytest.mark.parametrize("who", ["outsider", "vcs_partner", "staff"])
def test_upload_is_hidden_from_outsiders(who, source, persona, client_for):
    response = _upload(client_for(persona(who)), source, synthetic_csv(rows=5))
    assert response.status_code == 404


def test_an_unconfirmed_organisation_claim_gives_no_access_to_its_data(
    source, redacted, team_member, client_for
):
    """Anyone can say they work somewhere; only an admin's confirmation opens the data."""
    from tests.factories import UserFactory  # noqa: PLC0415

    claimant = UserFactory(organisation=team_member.organisation, organisation_confirmed=False)
    client = client_for(claimant)

    assert _upload(client, source, synthetic_csv(rows=5)).status_code == 404
    for name in ("dataset_report", "dataset_download_raw"):
        assert client.get(reverse(f"safety:{name}", args=[redacted.pk])).status_code == 404
    assert not Dataset.objects.visible_to(claimant).exists()
    assert Dataset.objects.count() == 1


def _xlsx(sheets: int = 1, hidden: bool = False) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Visits"
    ws.append(["name", "amount"])
    ws.append(["Grace Smith", 5])
    for n in range(1, sheets):
        other = wb.create_sheet(f"Sheet {n}")
        other.append(["email"])
        other.append(["grace@example.com"])
        if hidden:
            other.sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _scratch_files() -> list:
    return sorted(storage.scratch_dir().iterdir())


@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
def test_the_bad_upload_corpus_through_the_upload_page(
    case: BadUpload, source, team_member, client_for, settings, django_capture_on_commit_callbacks
):
    """Every bad upload gets its message (and nothing is stored) or is read, and scanned."""
    if case.max_bytes:
        settings.DATASET_MAX_UPLOAD_BYTES = case.max_bytes
    client = client_for(team_member)

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, source, case.make(), case.filename)

    if case.message:
        assert response.status_code == 200
        page = response.content.decode()
        assert "govuk-error-summary" in page
        assert escape(case.message) in page
        assert not Dataset.objects.exists()
        assert _stored_files() == [] and _scratch_files() == []
        return
    assert response.status_code == 302
    dataset = Dataset.objects.get()
    if dataset.status == Dataset.Status.CHOOSING_SHEET:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(response["Location"], {"sheet": "Visits"})
        dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.SCANNED, dataset.error_message
    assert dataset.rows == len(case.rows)
    progress = client.get(reverse("safety:dataset_progress", args=[dataset.pk])).content.decode()
    report = client.get(dataset.get_absolute_url()).content.decode()
    if case.warning:
        assert escape(case.warning) in progress and escape(case.warning) in report
    else:
        assert "govuk-warning-text" not in progress


def test_the_same_file_twice_is_recognised(source, team_member, client_for, tmp_path):
    first = stored_dataset(source, tmp_path, upto="uploaded", uploader=team_member)

    response = _upload(client_for(team_member), source, synthetic_csv(rows=40))

    assert response.status_code == 200
    assert "already been uploaded" in response.content.decode()
    assert reverse("safety:dataset_progress", args=[first.pk]) in response.content.decode()
    assert Dataset.objects.count() == 1
    assert len(_stored_files()) == 1


def test_a_file_a_colleague_uploaded_says_who_uploaded_it(
    source, team_member, client_for, tmp_path
):
    from tests.factories import UserFactory, give_totp  # noqa: PLC0415

    stored_dataset(source, tmp_path, upto="uploaded", uploader=team_member)
    colleague = UserFactory(organisation=team_member.organisation)
    give_totp(colleague)

    page = _upload(client_for(colleague), source, synthetic_csv(rows=40)).content.decode()
    assert "already been uploaded" in page
    assert "You uploaded" not in page
    assert f"{escape(team_member.display_name)} uploaded this exact file" in page
    assert escape(source.name) in page


def test_a_double_clicked_submit_stores_the_file_once(source, team_member, client_for):
    client = client_for(team_member)
    first = _upload(client, source, synthetic_csv(rows=20))
    second = _upload(client, source, synthetic_csv(rows=20))

    dataset = Dataset.objects.get()
    assert first.status_code == 302
    assert second.status_code == 200
    page = second.content.decode()
    assert "This file has already been uploaded" in page
    assert reverse("safety:dataset_progress", args=[dataset.pk]) in page
    assert _stored_files() == [storage.path_for(dataset.stored_name)]


def test_a_double_clicked_sheet_choice_scans_once(
    source, team_member, client_for, django_capture_on_commit_callbacks
):
    client = client_for(team_member)
    response = _upload(client, source, _xlsx(sheets=2, hidden=True), "book.xlsx")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = client.post(response["Location"], {"sheet": "Visits"})
        second = client.post(response["Location"], {"sheet": "Visits"})

    dataset = Dataset.objects.get()
    assert first.status_code == second.status_code == 302
    assert len(callbacks) == 1
    assert dataset.status == Dataset.Status.SCANNED and dataset.attempts == 1


def test_a_file_stored_while_this_one_was_checked_is_recognised(
    source, team_member, tmp_path, monkeypatch
):
    """The race, in order: another upload of the same bytes lands between this upload's look
    for a duplicate and its insert. The unique constraint catches it; this copy is deleted."""
    path = tmp_path / "visits.csv"
    path.write_bytes(synthetic_csv(rows=20))
    check_table = services.check_table
    other: list[Dataset] = []

    def check_while_another_lands(*args, **kwargs):
        found = check_table(*args, **kwargs)
        if not other:
            monkeypatch.setattr(services, "check_table", check_table)
            other.append(
                services.dataset_upload(
                    data_source=source, user=team_member, path=str(path), filename="a.csv"
                )
            )
        return found

    monkeypatch.setattr(services, "check_table", check_while_another_lands)
    with pytest.raises(services.DuplicateDataset) as raised:
        services.dataset_upload(
            data_source=source, user=team_member, path=str(path), filename="b.csv"
        )

    assert raised.value.existing == other[0] == Dataset.objects.get()
    assert _stored_files() == [storage.path_for(other[0].stored_name)]
    assert _scratch_files() == []


def test_the_same_file_uploaded_at_the_same_moment_on_sqlite(tmp_path):
    """Two requests at once, through the page, on a SQLite file: one stored, one told so."""
    environment = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.upload_race", str(tmp_path / "storage")],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    outcomes = sorted(found["outcomes"], key=lambda o: o["status"])
    assert outcomes == [{"status": 200, "duplicate": True}, {"status": 302, "duplicate": False}]
    assert found["datasets"] == 1
    assert len(found["files"]) == 1 and found["files"][0].startswith("datasets/")


@pytest.mark.services
def test_the_same_file_uploaded_at_the_same_moment_on_postgresql(
    transactional_db, programme_a, monkeypatch
):
    if connection.vendor != "postgresql":
        if os.environ.get("CIP_REQUIRE_SERVICES") == "1":
            pytest.fail("DATABASE_URL does not point at PostgreSQL (CIP_REQUIRE_SERVICES=1)")
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    from tests.factories import OrganisationFactory, UserFactory, give_totp  # noqa: PLC0415

    organisation = OrganisationFactory()
    users = [UserFactory(organisation=organisation) for _ in range(2)]
    for user in users:  # people who may upload a data owner's data have a second factor
        give_totp(user)
    source = data_source(programme_a, owner=organisation)
    barrier = threading.Barrier(2)
    check_table = services.check_table

    def check_then_wait(*args, **kwargs):
        found = check_table(*args, **kwargs)
        barrier.wait(timeout=20)
        return found

    monkeypatch.setattr(services, "check_table", check_then_wait)
    monkeypatch.setattr(services, "_queue_scan", lambda dataset: None)
    statuses: list[int] = []

    def upload(user) -> None:
        try:
            client = Client()
            client.force_login(user)
            response = _upload(client, source, synthetic_csv(rows=20))
            duplicate = "already been uploaded" in response.content.decode()
            statuses.append((response.status_code, duplicate))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload, args=[user]) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [(200, True), (302, False)]
    assert Dataset.objects.count() == 1
    assert len(_stored_files()) == 1


class _CutOff(io.BytesIO):
    """A request body that ends early; with ``drop`` the connection fails instead."""

    def __init__(self, data: bytes, drop: bool) -> None:
        super().__init__(data)
        self.drop = drop

    def read(self, size=-1):
        data = super().read(size)
        if not data and self.drop:
            raise OSError("connection reset by peer")
        return data


@pytest.mark.parametrize("drop", [False, True], ids=["body ends early", "connection drops"])
def test_an_upload_cut_off_mid_stream_stores_nothing(source, team_member, client_for, drop):
    boundary = "cut-off-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="visits.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        + synthetic_csv(rows=40)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    sent = body[: len(body) * 2 // 3]

    response = client_for(team_member).generic(
        "POST",
        reverse("safety:dataset_upload", args=[source.pk]),
        data=b"x",
        content_type=f"multipart/form-data; boundary={boundary}",
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": _CutOff(sent, drop)},
    )

    assert response.status_code == 200
    assert "The upload stopped before the whole file arrived" in response.content.decode()
    assert not Dataset.objects.exists()
    assert _stored_files() == []


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("../../etc/passwd.csv", "passwd.csv"),
        ("C:\\Users\\grace\\visits.csv", "visits.csv"),
        ("visits\u202evsc.exe.csv", "visits vsc.exe.csv"),
        ("\u200bvisits\r\n.csv", "visits .csv"),
        ("..", "upload"),
        ("a" * 300 + ".csv", "a" * 251 + ".csv"),
    ],
)
def test_uploaded_file_names_are_shown_without_folders_or_hidden_characters(sent, stored):
    assert services.upload_name(sent) == stored


def test_a_path_in_the_file_name_is_not_kept(source, team_member, client_for):
    client = client_for(team_member)
    _upload(client, source, synthetic_csv(rows=20), "../../" + "v" * 300 + ".csv")
    dataset = Dataset.objects.get()
    assert dataset.original_filename == "v" * 251 + ".csv"
    assert "/" not in dataset.original_filename
    assert _stored_files() == [storage.path_for(dataset.stored_name)]


def test_the_report_says_what_the_rest_of_a_workbook_holds(
    source, team_member, reviewer, client_for, django_capture_on_commit_callbacks
):
    data = workbook(
        ("Visits", [["ward", "amount"], ["Highgate", 5], ["Kentish Town", 7]], "visible"),
        ("Contacts", CONTACTS, "veryHidden"),
        comments={("Visits", "B2"): "Grace Smith rang from 07700 900123 about this"},
    )
    client = client_for(team_member)
    response = _upload(client, source, data, "book.xlsx")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"sheet": "Visits"})
    dataset = Dataset.objects.get()
    assert dataset.other_parts["sheets"][0]["types"] == {
        "PERSON_NAME": 3,
        "EMAIL": 3,
        "NHS_NUMBER": 3,
    }

    page = client_for(reviewer).get(dataset.get_absolute_url()).content.decode()
    assert "The rest of the workbook" in page
    assert "very hidden" in page
    # PostgreSQL's jsonb keeps its own key order, so each type is looked for on its own.
    assert all(f"{kind} (3)" in page for kind in ("Names", "Email addresses", "NHS numbers"))
    assert "Comments and notes: 1, of which 1 hold personal data" in page
    assert "A CSV file of the sheet <bdi>Visits</bdi> alone" in page
    for value in ("Grace Smith", "grace.smith@example.com", "943 476 5919", "07700 900123"):
        assert value not in page


def test_the_redacted_copy_of_a_workbook_is_its_chosen_sheet_alone(
    source, team_member, tmp_path, django_capture_on_commit_callbacks
):
    data = workbook(
        ("Visits", VISITS, "visible"),
        ("Contacts", CONTACTS, "hidden"),
        comments={("Visits", "B2"): "Amir Khan rang about this"},
    )
    path = tmp_path / "book.xlsx"
    path.write_bytes(data)
    with django_capture_on_commit_callbacks(execute=True):
        dataset = services.dataset_upload(
            data_source=source, user=team_member, path=str(path), filename="book.xlsx"
        )
        services.dataset_choose_sheet(dataset=dataset, sheet="Visits")
    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_remedies_confirm(
            dataset=dataset, user=team_member, remedies={}, quasi_identifiers=[]
        )

    copy = RedactedCopy.objects.get(dataset=dataset)
    with storage.plaintext_copy(copy.stored_name) as plain, open(plain, encoding="utf-8") as fh:
        text = fh.read()
    assert text.splitlines() == ["amount", "5", "7"]  # the name column is dropped


def test_a_workbook_with_several_sheets_asks_which_one(
    source, team_member, client_for, django_capture_on_commit_callbacks
):
    client = client_for(team_member)
    response = _upload(client, source, _xlsx(sheets=2, hidden=True), "book.xlsx")
    dataset = Dataset.objects.get()
    assert response["Location"] == reverse("safety:dataset_sheet", args=[dataset.pk])
    assert dataset.status == Dataset.Status.CHOOSING_SHEET

    page = client.get(response["Location"]).content.decode()
    assert "Sheet 1 (hidden sheet)" in page
    assert f'<a href="{reverse("safety:dataset_list")}" class="govuk-back-link">' in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"sheet": "Sheet 1"})
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.SCANNED
    assert dataset.sheet == "Sheet 1"
    assert list(dataset.findings.values_list("pii_types", flat=True)) == [["EMAIL"]]


# --- Pages by role -------------------------------------------------------------------------------

# Before any safety check is approved: the analyst role alone opens nothing (after the checks:
# tests/test_safety_access.py).
PAGE_ACCESS = {
    # url name: {persona: status}
    "safety:dataset_progress": {"team_member": 200, "analyst": 403, "reviewer": 200, "admin": 200},
    "safety:dataset_report": {"team_member": 200, "analyst": 403, "reviewer": 200, "admin": 200},
    "safety:dataset_remedies": {"team_member": 403, "analyst": 403, "reviewer": 200, "admin": 200},
    "safety:dataset_download_raw": {
        "team_member": 200,
        "analyst": 403,
        "reviewer": 403,
        "admin": 403,
    },
    "safety:dataset_download_redacted": {
        "team_member": 200,
        "analyst": 403,
        "reviewer": 403,
        "admin": 403,
    },
}
DEFAULTS = {"facilitator": 403, "outsider": 404, "vcs_partner": 404, "staff": 404}


@pytest.mark.parametrize(
    ("name", "who", "status"),
    [
        (name, who, status)
        for name, expected in PAGE_ACCESS.items()
        for who, status in (DEFAULTS | expected).items()
    ],
)
def test_dataset_pages_by_role(name, who, status, redacted, persona, client_for):
    response = client_for(persona(who)).get(reverse(name, args=[redacted.pk]))
    assert response.status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(redacted, client_for):
    response = client_for(None).get(reverse("safety:dataset_report", args=[redacted.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_report_never_shows_raw_values(redacted, reviewer, client_for):
    page = client_for(reviewer).get(redacted.get_absolute_url()).content.decode()
    raw = list(csv.DictReader(io.StringIO(synthetic_csv(rows=40).decode())))
    assert "NHS numbers" in page
    for record in raw:
        for column in ("full_name", "nhs", "phone", "contact", "postcode"):
            assert record[column] not in page


def test_the_report_names_what_was_found_in_plain_words(redacted, reviewer, client_for):
    page = client_for(reviewer).get(redacted.get_absolute_url()).content.decode()
    assert "Names" in page and "Phone numbers" in page and "NHS numbers" in page
    for code in ("PERSON_NAME", "NHS_NUMBER", "SYSTEM_ID", "DATE_OF_BIRTH"):
        assert code not in page


def test_progress_page_refreshes_only_while_running(source, team_member, client_for, tmp_path):
    dataset = stored_dataset(source, tmp_path, upto="uploaded", uploader=team_member)
    client = client_for(team_member)
    url = reverse("safety:dataset_progress", args=[dataset.pk])
    assert 'http-equiv="refresh"' in client.get(url).content.decode()
    services.dataset_scan(dataset_id=dataset.pk)
    page = client.get(url).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "Read the report" in page


def test_reviewer_chooses_remedies_and_a_redacted_copy_is_written(
    source, team_member, reviewer, client_for, tmp_path, django_capture_on_commit_callbacks
):
    dataset = stored_dataset(source, tmp_path, upto="scanned", uploader=team_member)
    findings = {f.name: f for f in dataset.findings.all()}
    data = {f"column_{f.position}": f.suggested_action for f in findings.values()}
    data[f"column_{findings['nhs'].position}"] = "pseudonymise"
    data["quasi_identifiers"] = ["age", "ward"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer).post(
            reverse("safety:dataset_remedies", args=[dataset.pk]), data
        )

    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.REDACTED
    assert dataset.remedies_confirmed_by == reviewer
    assert dataset.quasi_identifiers == ["age", "ward"]
    assert dataset.k_anonymity["quasi_identifiers"] == ["age", "ward"]
    assert ColumnFinding.objects.get(dataset=dataset, name="nhs").chosen_action == "pseudonymise"
    copy = RedactedCopy.objects.get(dataset=dataset)
    with storage.plaintext_copy(copy.stored_name) as path, open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 40
    assert all(row["nhs"].startswith("px") for row in rows)
    assert "full_name" not in rows[0]
    # The report gives the figures of the original file and of the redacted copy, labelled.
    original, redacted = dataset.k_anonymity, dataset.k_anonymity["after_remedies"]
    page = " ".join(client_for(reviewer).get(dataset.get_absolute_url()).content.decode().split())
    header = '<th scope="col" class="govuk-table__header govuk-table__header--numeric">'
    assert f"{header}Original file</th> {header}Redacted copy</th>" in page
    numeric = '<td class="govuk-table__cell govuk-table__cell--numeric">'
    for label, before, after in (
        ("k (the smallest group of records that look the same)", original["k"], redacted["k"]),
        (
            "Records in groups smaller than 10",
            original["records_below_threshold"],
            redacted["records_below_threshold"],
        ),
    ):
        assert f"{label}</th>{numeric}{before}</td>{numeric}{after}</td>" in page


def test_reviewer_chooses_one_of_the_k_anonymity_options(
    source, team_member, reviewer, client_for, tmp_path, django_capture_on_commit_callbacks
):
    dataset = stored_dataset(
        source, tmp_path, upto="scanned", uploader=team_member, content=synthetic_csv(rows=600)
    )
    options = dataset.k_anonymity["options"]
    assert len(options) >= 2
    assert [o["information_loss"] for o in options] == sorted(
        o["information_loss"] for o in options
    )
    client = client_for(reviewer)
    report = client.get(dataset.get_absolute_url()).content.decode()
    assert "Ways to make every group at least 10 records" in report
    assert f"{round(100 * options[1]['information_loss'])}%" in report
    data = {f"column_{f.position}": f.suggested_action for f in dataset.findings.all()}
    data["quasi_identifiers"] = dataset.quasi_identifiers
    data["generalisation"] = "1"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("safety:dataset_remedies", args=[dataset.pk]), data)

    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.REDACTED
    assert dataset.generalisation == options[1]["level_numbers"]
    assert dataset.k_anonymity["after_remedies"]["level_numbers"] == options[1]["level_numbers"]
    assert dataset.k_anonymity["after_remedies"]["k"] >= 10
    report = client.get(dataset.get_absolute_url()).content.decode()
    chosen = report.split('<strong class="govuk-tag">Chosen</strong>')
    assert len(chosen) == 2 and chosen[0].rstrip().endswith(">2")


def test_a_remedy_the_engine_cannot_apply_is_refused(
    source, team_member, reviewer, client_for, tmp_path
):
    dataset = stored_dataset(source, tmp_path, upto="scanned", uploader=team_member)
    nhs = dataset.findings.get(name="nhs")
    response = client_for(reviewer).post(
        reverse("safety:dataset_remedies", args=[dataset.pk]),
        {f"column_{nhs.position}": "scrub_text"},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.SCANNED


# --- Downloads and the access log ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "what"),
    [
        ("team_member", "raw"),
        ("team_member", "redacted"),
        ("analyst", "redacted"),
        ("analyst", "raw"),
    ],
)
def test_every_download_is_logged(who, what, redacted, analyst, persona, client_for):
    # The analyst is named on the approved evaluation check; a signed agreement covers the data.
    approve_evaluation(redacted.data_source, analyst)
    signed_agreement(redacted.data_source)
    user = persona(who)
    url = reverse(f"safety:dataset_download_{what}", args=[redacted.pk])

    response = client_for(user).post(url, {"purpose": "Counting visits per ward"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert {"no-store", "private"} <= set(response["Cache-Control"].split(", "))
    body = b"".join(response.streaming_content)
    access = DatasetAccess.objects.get()
    assert (access.user, access.what, access.purpose) == (user, what, "Counting visits per ward")
    if what == "raw":
        assert body == synthetic_csv(rows=40)
    else:
        text = body.decode()
        for record in csv.DictReader(io.StringIO(synthetic_csv(rows=40).decode())):
            assert record["nhs"] not in text and record["contact"] not in text
            assert record["full_name"] not in text


def test_a_download_without_a_reason_is_refused_and_not_logged(redacted, analyst, client_for):
    approve_evaluation(redacted.data_source, analyst)
    url = reverse("safety:dataset_download_redacted", args=[redacted.pk])
    response = client_for(analyst).post(url, {"purpose": ""})
    assert response.status_code == 200
    assert "Enter why you need the file" in response.content.decode()
    assert not DatasetAccess.objects.exists()


def test_the_access_log_is_shown_to_the_owner_and_reviewer_only(
    redacted, team_member, reviewer, analyst, client_for
):
    approve_evaluation(redacted.data_source, analyst)  # so the analyst may read the report
    DatasetAccess.objects.create(
        dataset=redacted, user=analyst, what="redacted", purpose="Ward counts for the insight"
    )
    url = redacted.get_absolute_url()
    assert "Ward counts for the insight" in client_for(team_member).get(url).content.decode()
    assert "Ward counts for the insight" in client_for(reviewer).get(url).content.decode()
    assert "Ward counts for the insight" not in client_for(analyst).get(url).content.decode()


def test_redacted_download_waits_for_the_copy(source, team_member, analyst, client_for, tmp_path):
    dataset = stored_dataset(source, tmp_path, upto="scanned", uploader=team_member)
    approve_evaluation(source, analyst)
    url = reverse("safety:dataset_download_redacted", args=[dataset.pk])
    response = client_for(analyst).post(url, {"purpose": "Counting"})
    assert response.status_code == 200
    assert "There is no file to download yet" in response.content.decode()
    assert not DatasetAccess.objects.exists()


# --- The tasks ---------------------------------------------------------------------------------


def test_scanning_twice_keeps_one_set_of_findings(source, tmp_path):
    dataset = stored_dataset(source, tmp_path, upto="uploaded")
    assert services.dataset_scan(dataset_id=dataset.pk)
    count = ColumnFinding.objects.filter(dataset=dataset).count()
    # A redelivery after the first run finished has nothing to claim.
    assert not services.dataset_scan(dataset_id=dataset.pk)
    # A redelivery of a run that died mid-scan (status still "scanning") replaces the findings.
    Dataset.objects.filter(pk=dataset.pk).update(status=Dataset.Status.SCANNING)
    assert services.dataset_scan(dataset_id=dataset.pk)
    assert ColumnFinding.objects.filter(dataset=dataset).count() == count == 11


def test_redacting_twice_writes_exactly_one_copy(source, tmp_path):
    dataset = stored_dataset(source, tmp_path)
    assert RedactedCopy.objects.filter(dataset=dataset).count() == 1
    Dataset.objects.filter(pk=dataset.pk).update(status=Dataset.Status.REDACTING)
    assert services.dataset_redact(dataset_id=dataset.pk)
    assert RedactedCopy.objects.filter(dataset=dataset).count() == 1
    assert len(_stored_files()) == 2  # the raw file and one redacted copy


@pytest.mark.parametrize(
    ("status", "counter", "run"),
    [
        (Dataset.Status.SCANNING, "attempts", services.dataset_scan),
        (Dataset.Status.REDACTING, "redaction_attempts", services.dataset_redact),
    ],
)
def test_a_fourth_attempt_fails_the_dataset(status, counter, run, source, tmp_path):
    dataset = stored_dataset(source, tmp_path, upto="scanned")
    Dataset.objects.filter(pk=dataset.pk).update(status=status, **{counter: 3})

    assert not run(dataset_id=dataset.pk)

    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.FAILED
    assert "3 times" in dataset.error_message
    assert getattr(dataset, counter) == 4


def test_a_bad_file_found_by_the_worker_fails_with_a_safe_message(source, tmp_path, monkeypatch):
    dataset = stored_dataset(source, tmp_path, upto="uploaded")
    monkeypatch.setattr(
        services, "scan", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("Grace Smith"))
    )
    assert not services.dataset_scan(dataset_id=dataset.pk)
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.FAILED
    assert "Grace" not in dataset.error_message


def test_same_ids_get_the_same_pseudonym_across_files_of_a_project(source, tmp_path):
    def pseudonyms(dataset) -> list[str]:
        copy = dataset.redacted_copies.get()
        with storage.plaintext_copy(copy.stored_name) as path, open(path) as fh:
            return [row["client_ref"] for row in csv.DictReader(fh)]

    def upload(folder: str, content: bytes) -> Dataset:
        (tmp_path / folder).mkdir()
        dataset = stored_dataset(source, tmp_path / folder, upto="scanned", content=content)
        position = dataset.findings.get(name="client_ref").position
        services.dataset_remedies_confirm(
            dataset=dataset, user=None, remedies={position: "pseudonymise"}, quasi_identifiers=[]
        )
        services.dataset_redact(dataset_id=dataset.pk)
        return dataset

    rows = synthetic_csv(rows=40).decode().splitlines()
    first = upload("one", "\n".join(rows).encode())
    second = upload("two", "\n".join([rows[0], *reversed(rows[1:])]).encode())

    assert pseudonyms(first) == list(reversed(pseudonyms(second)))
    assert not any(ref.startswith("case-") for ref in pseudonyms(first))


def test_retention_deletes_the_files_once_and_records_it(redacted):
    from datetime import timedelta  # noqa: PLC0415

    Dataset.objects.filter(pk=redacted.pk).update(retention_until=redacted.created_at.date())
    today = redacted.created_at.date() + timedelta(days=1)

    assert services.expired_dataset_files_delete(today=today) == 1
    assert services.expired_dataset_files_delete(today=today) == 0

    assert _stored_files() == []
    redacted.refresh_from_db()
    assert redacted.files_deleted_at is not None
    assert DatasetAccess.objects.get().what == DatasetAccess.What.DELETED


def test_scratch_copies_left_by_a_killed_worker_are_deleted(settings):
    import os  # noqa: PLC0415

    stale = storage.scratch_dir() / "left-behind.csv"
    stale.write_bytes(b"plaintext")
    os.utime(stale, (0, 0))
    fresh = storage.scratch_dir() / "in-use.csv"
    fresh.write_bytes(b"plaintext")

    services.expired_dataset_files_delete()

    assert not stale.exists()
    assert fresh.exists()


def test_dataset_list_runs_a_constant_number_of_queries(source, reviewer, client_for, tmp_path):
    client = client_for(reviewer)
    for n in range(2):
        folder = tmp_path / f"a{n}"
        folder.mkdir()
        stored_dataset(source, folder, upto="uploaded", content=synthetic_csv(rows=5, seed=n))
    client.get(reverse("safety:dataset_list"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("safety:dataset_list")).status_code == 200
    for n in range(2, 6):
        folder = tmp_path / f"a{n}"
        folder.mkdir()
        stored_dataset(source, folder, upto="uploaded", content=synthetic_csv(rows=5, seed=n))
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("safety:dataset_list"))
    assert page.content.decode().count("visits.csv") == 6
    assert len(many) == len(few)


def test_demo_data_has_a_redacted_dataset_per_programme():
    from io import StringIO  # noqa: PLC0415

    from django.core.management import call_command  # noqa: PLC0415

    call_command("seed_demo", force=True, stdout=StringIO())
    call_command("seed_demo", force=True, stdout=StringIO())  # again: nothing added

    datasets = Dataset.objects.all()
    assert datasets.count() == 2
    assert {d.status for d in datasets} == {Dataset.Status.REDACTED}
    assert RedactedCopy.objects.count() == 2
    # The workbook shows what the report says about the rest of a workbook, and its warnings.
    book = datasets.get(content_type="xlsx")
    (contacts,) = book.other_parts["sheets"]
    assert contacts["state"] == "veryHidden"
    assert set(contacts["types"]) >= {"PERSON_NAME", "EMAIL", "PHONE"}
    assert book.other_parts["comments"]["types"] == {"PERSON_NAME": 1}
    assert [w["code"] for w in book.warnings] == ["formulas_without_values"]


def test_dataset_rules_asked_without_an_object_say_no(reviewer, team_member):
    import rules  # noqa: PLC0415

    for perm in [
        "safety.know_dataset",
        "safety.open_dataset",
        "safety.choose_remedies",
        "safety.download_raw",
        "safety.download_redacted",
        "safety.upload_dataset",
    ]:
        assert rules.has_perm(perm, reviewer, None) is False
        assert rules.has_perm(perm, team_member, None) is False


def test_the_dashboard_lists_dataset_tasks(source, team_member, reviewer, client_for, tmp_path):
    upload_task = "Upload Food bank visits"
    assert upload_task in client_for(team_member).get(reverse("dashboard")).content.decode()

    stored_dataset(source, tmp_path, upto="scanned", uploader=team_member)

    assert upload_task not in client_for(team_member).get(reverse("dashboard")).content.decode()
    page = client_for(reviewer).get(reverse("dashboard")).content.decode()
    assert "Choose remedies for visits.csv" in page
