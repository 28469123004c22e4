"""Safety checks: pre-filling, separation of duties, freezing and versions, conditions, the
lifecycle guards, the reviewer's queue, reminders, agreements, the extension point, the
small-number floor, the audit log and the evidence pack (page and PDF)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from auditlog.registry import auditlog
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from projects.models import Action, Insight, Project, ProjectEvent, SelectionScore, Status
from projects.services import TransitionBlocked, project_transition
from safety import agreements, checks, emails, extensions, tasks
from safety.demo import approved_check
from safety.extensions import Prefill, SuppressionNote
from safety.models import (
    CheckCondition,
    ColumnFinding,
    Dataset,
    DatasetAccess,
    Outcome,
    SafetyCheck,
    SafetySettings,
    SharingAgreement,
    Stage,
)
from teams.models import Role
from tests.dataset_helpers import approve_evaluation, data_source, signed_agreement, stored_dataset
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, give_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(programme_a, team_member):
    return data_source(programme_a, owner=team_member.organisation)


@pytest.fixture
def dataset(source, team_member, tmp_path) -> Dataset:
    return stored_dataset(source, tmp_path, uploader=team_member)


def _waiting(source, author, stage=Stage.EVALUATION, answers=None) -> SafetyCheck:
    check = checks.check_start(
        idea=source.idea,
        stage=stage,
        author=author,
        data_source=source if stage == Stage.EVALUATION else None,
    )
    return checks.check_save(check=check, user=author, answers=answers or {}, submit=True)


# --- Pre-filling and assumptions ------------------------------------------------------------


def test_the_evaluation_checklist_is_prefilled_from_the_scan_and_remedies(dataset, source, analyst):
    ColumnFinding.objects.filter(dataset=dataset, name="full_name").update(chosen_action="drop")
    signed_agreement(source)

    check = checks.check_start(
        idea=source.idea, stage=Stage.EVALUATION, author=analyst, data_source=source
    )

    answers = check.answers
    assert answers["personal_data"]["answer"] == "yes"
    assert "nhs" in answers["personal_data"]["note"]
    assert answers["direct_identifiers"]["answer"] == "yes"
    assert "full_name (Drop the column)" in answers["direct_identifiers"]["note"]
    assert answers["system_ids"]["answer"] == "yes"
    assert answers["free_text"]["answer"] == "yes"
    assert answers["agreement"] == {"answer": "yes", "note": "Sharing Food bank visits (ISG-0042)"}
    # What a scan cannot know is left for the author.
    assert "special_category" not in answers and "confidential" not in answers


def test_unknowns_need_an_assumption_which_the_next_stage_shows(
    source, analyst, reviewer, client_for
):
    check = checks.check_start(
        idea=source.idea, stage=Stage.EVALUATION, author=analyst, data_source=source
    )
    url = reverse("safety:check_edit", args=[check.pk])
    data = {f"{q}_answer": "no" for q in ("personal_data", "agreement", "redacted_useful")}
    data |= {
        f"{q}_answer": "no"
        for q in ("small_postcodes", "mosaic", "direct_identifiers", "free_text", "system_ids")
    }
    data |= {"special_category_answer": "no", "confidential_answer": "unknown", "send": "1"}

    response = client_for(analyst).post(url, data)
    assert "Write down what you are assuming about" in response.content.decode()

    data["confidential_note"] = "We assume no grant figures are in the export"
    assert client_for(analyst).post(url, data).status_code == 302
    check.refresh_from_db()
    assert check.status == SafetyCheck.Status.WAITING
    checks.check_sign_off(check=check, user=reviewer, outcome=Outcome.APPROVED)

    solution = checks.check_start(idea=source.idea, stage=Stage.SOLUTION, author=analyst)
    page = client_for(analyst).get(reverse("safety:check_edit", args=[solution.pk]))
    assert "We assume no grant figures are in the export" in page.content.decode()


# --- Separation of duties, freezing, versions -----------------------------------------------


def test_the_author_cannot_sign_off_even_as_an_admin(source, admin, programme_a):
    MembershipFactory(programme=programme_a, user=admin, role=Role.INFORMATION_RIGHTS)
    check = _waiting(source, admin)

    with pytest.raises(PermissionDenied):
        checks.check_sign_off(check=check, user=admin, outcome=Outcome.APPROVED)
    check.refresh_from_db()
    assert check.signed_off_at is None


@pytest.mark.parametrize("who", ["uploader", "owner colleague", "admin without the role"])
def test_the_owning_side_and_non_reviewers_cannot_sign_off(
    who, source, dataset, team_member, analyst, admin, programme_a
):
    if who == "uploader":
        user = team_member
    elif who == "owner colleague":
        user = UserFactory(organisation=team_member.organisation)
    else:
        user = admin
    if who != "admin without the role":
        MembershipFactory(programme=programme_a, user=user, role=Role.INFORMATION_RIGHTS)
    check = _waiting(source, analyst)

    with pytest.raises(PermissionDenied):
        checks.check_sign_off(check=check, user=user, outcome=Outcome.APPROVED)


def test_a_reviewer_from_the_owning_organisation_cannot_choose_remedies(
    dataset, team_member, programme_a, client_for
):
    colleague = UserFactory(organisation=team_member.organisation)
    MembershipFactory(programme=programme_a, user=colleague, role=Role.INFORMATION_RIGHTS)
    give_totp(colleague)
    response = client_for(colleague).get(reverse("safety:dataset_remedies", args=[dataset.pk]))
    assert response.status_code == 403


def test_a_signed_off_check_is_frozen_and_changes_make_a_new_version(
    source, analyst, reviewer, client_for
):
    check = _waiting(source, analyst, answers={"personal_data": {"answer": "yes", "note": ""}})
    check.analysts.add(analyst)
    checks.check_sign_off(check=check, user=reviewer, outcome=Outcome.APPROVED, note="Fine")

    with pytest.raises(checks.FrozenCheck):
        checks.check_save(check=check, user=analyst, answers={}, submit=True)
    response = client_for(analyst).get(reverse("safety:check_edit", args=[check.pk]))
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.answers == {"personal_data": {"answer": "yes", "note": ""}}

    new = checks.check_new_version(check=check, user=analyst)
    assert (new.version, new.status, new.answers) == (2, "draft", check.answers)
    assert list(new.analysts.all()) == [analyst]
    # The signed-off version stays in force until the new one is signed off.
    assert SafetyCheck.objects.get(in_force=True) == check
    checks.check_save(check=new, user=analyst, answers=new.answers, analysts=[], submit=True)
    checks.check_sign_off(check=new, user=reviewer, outcome=Outcome.NEEDS_CHANGES)
    assert SafetyCheck.objects.get(in_force=True) == new
    assert SafetyCheck.objects.filter(idea=source.idea).count() == 2  # history kept


def test_sign_off_records_conditions_and_the_access_log(source, analyst, reviewer, client_for):
    check = _waiting(source, analyst)
    due = timezone.localdate() + timedelta(days=14)
    response = client_for(reviewer).post(
        reverse("safety:check_sign_off", args=[check.pk]),
        {
            "outcome": Outcome.APPROVED_WITH_CONDITIONS,
            "note": "Only ward-level counts",
            "condition_1": "Drop the notes column",
            "owner_1": analyst.pk,
            "due_1_0": due.day,
            "due_1_1": due.month,
            "due_1_2": due.year,
        },
    )
    assert response.status_code == 302
    condition = CheckCondition.objects.get()
    assert (condition.owner, condition.due_date, condition.status) == (analyst, due, "open")
    entry = DatasetAccess.objects.get(safety_check=check)
    assert (entry.user, entry.what) == (reviewer, "check")
    assert "Approved with conditions" in entry.purpose
    # The owner sees it on their dashboard.
    page = client_for(analyst).get(reverse("dashboard")).content.decode()
    assert "Meet the condition: Drop the notes column" in page


def test_an_approval_with_conditions_needs_a_condition(source, analyst, reviewer, client_for):
    check = _waiting(source, analyst)
    response = client_for(reviewer).post(
        reverse("safety:check_sign_off", args=[check.pk]),
        {"outcome": Outcome.APPROVED_WITH_CONDITIONS},
    )
    assert "Enter at least one condition" in response.content.decode()
    check.refresh_from_db()
    assert not check.is_frozen


# --- Guards ---------------------------------------------------------------------------------


@pytest.fixture
def project(source) -> Project:
    project = source.idea.project
    Project.objects.filter(pk=project.pk).update(status=Status.TESTING)
    project.refresh_from_db()
    return project


@pytest.mark.parametrize(
    ("action", "stage"),
    [("evaluate", Stage.EVALUATION), ("mark_ready", Stage.SOLUTION), ("publish", "pre")],
)
def test_guards_need_the_stage_approved_and_its_conditions_met(
    action, stage, project, source, analyst, reviewer
):
    stage = Stage.PRE_PUBLICATION if stage == "pre" else stage
    guard = {
        "evaluate": "has_evaluation_safety_checks",
        "mark_ready": "has_solution_safety_check",
        "publish": "has_pre_publication_safety_check",
    }[action]
    from projects import lifecycle  # noqa: PLC0415

    check_guard = getattr(lifecycle, guard)
    assert check_guard(project) is not None
    check = _waiting(source, analyst, stage=stage)
    assert check_guard(project) is not None  # waiting is not approved

    checks.check_sign_off(
        check=check,
        user=reviewer,
        outcome=Outcome.APPROVED_WITH_CONDITIONS,
        conditions=[checks.ConditionInput("Do it", analyst, date(2030, 1, 1))],
    )
    assert check_guard(project) is not None  # an open condition still stops it
    checks.condition_resolve(
        condition=check.conditions.get(), user=reviewer, status="accepted", note="Low risk"
    )
    assert check_guard(project) is None


def test_publishing_is_blocked_without_an_approved_pre_publication_check(project, facilitator):
    from tests.phase3_helpers import ready_insight  # noqa: PLC0415

    Project.objects.filter(pk=project.pk).update(status=Status.READY)
    ready_insight(project)  # phase 3's own guard: an insight marked ready to publish
    with pytest.raises(TransitionBlocked) as blocked:
        project_transition(project=project, user=facilitator, action="publish")
    assert blocked.value.messages == [
        "Get the pre-publication safety check signed off as approved, with its conditions met "
        "or accepted"
    ]
    approved_check(project.idea, Stage.PRE_PUBLICATION)
    assert checks.may_publish(project.idea)
    moved = project_transition(project=project, user=facilitator, action="publish")
    assert moved.status == Status.PUBLISHED


def test_blocked_or_needs_changes_do_not_pass(source, analyst, reviewer):
    for outcome in (Outcome.BLOCKED, Outcome.NEEDS_CHANGES):
        check = checks.check_start(idea=source.idea, stage=Stage.SOLUTION, author=analyst)
        checks.check_save(check=check, user=analyst, answers={}, submit=True)
        checks.check_sign_off(check=check, user=reviewer, outcome=outcome)
        assert checks.stage_missing(source.idea, Stage.SOLUTION) is not None


# --- The reviewer's queue and reminders -----------------------------------------------------


def _queue_of(n: int, source, programme_a) -> None:
    done = SafetyCheck.objects.count()
    for i in range(done, done + n):
        author = UserFactory(email=f"author{i}@example.org")
        data = data_source(programme_a)
        check = SafetyCheck.objects.create(
            idea=data.idea,
            stage=Stage.SOLUTION,
            version=i + 1,
            author=author,
            status=SafetyCheck.Status.WAITING,
            submitted_at=timezone.now() - timedelta(days=1000 - i),
        )
        assert check.pk


def test_the_queue_is_oldest_first_and_paginated(
    source, programme_a, reviewer, client_for, django_assert_max_num_queries
):
    _queue_of(3, source, programme_a)
    client = client_for(reviewer)
    client.get(reverse("dashboard"))  # signed in before counting
    with django_assert_max_num_queries(40) as few:
        small = client.get(reverse("safety:check_queue"))
    _queue_of(30, source, programme_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = client.get(reverse("safety:check_queue"))
    waiting = list(checks.checks_to_sign_off(reviewer))
    assert [c.submitted_at for c in waiting] == sorted(c.submitted_at for c in waiting)
    assert small.status_code == large.status_code == 200
    assert large.content.decode().count("govuk-table__row") == 26  # 25 and the header
    assert 'class="govuk-pagination' in large.content.decode()


def test_working_days_skip_weekends_and_bank_holidays():
    # Friday 19 December 2025 to Monday 29 December: Christmas and Boxing Day are holidays.
    assert checks.working_days_between(date(2025, 12, 19), date(2025, 12, 29)) == 4


def test_a_waiting_check_reminds_the_reviewers_once(source, analyst, reviewer, settings):
    settings.SAFETY_CHECK_REMINDER_WORKING_DAYS = 2
    check = _waiting(source, analyst)
    SafetyCheck.objects.filter(pk=check.pk).update(submitted_at=timezone.now() - timedelta(days=10))
    fresh = _waiting(data_source(source.idea.programme), analyst, stage=Stage.SOLUTION)
    mail.outbox.clear()

    assert tasks.send_safety_reminders() == 1
    assert tasks.send_safety_reminders() == 0
    assert emails.check_reminder_email(check_id=check.pk) is False

    (message,) = mail.outbox
    assert message.to == [reviewer.email]
    assert "waiting for sign-off" in message.subject
    assert "\n" not in message.subject
    assert SafetyCheck.objects.get(pk=fresh.pk).reminded_at is None


# --- Agreements -----------------------------------------------------------------------------


def test_agreements_expire_and_remind_once_before_their_dates(source, reviewer, settings):
    settings.AGREEMENT_REMINDER_DAYS = 30
    today = timezone.localdate()
    near = signed_agreement(source, days_left=20, title="Near its end")
    lapsed = signed_agreement(
        source,
        title="Lapsed",
        start_date=today - timedelta(days=100),
        review_date=today - timedelta(days=50),
        end_date=today - timedelta(days=1),
    )
    mail.outbox.clear()

    tasks.send_safety_reminders()
    tasks.send_safety_reminders()

    lapsed.refresh_from_db()
    assert lapsed.status == SharingAgreement.Status.EXPIRED
    assert (
        lapsed.accesses.filter(what="agreement_status", purpose__startswith="Expired").count() == 1
    )
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2  # the review and the end of the near one, once each
    assert all("Near its end" in s for s in subjects)
    near.refresh_from_db()
    assert near.review_reminded_at and near.end_reminded_at


def test_the_signed_document_is_stored_encrypted_and_every_read_logged(
    source, reviewer, team_member, client_for, tmp_path
):
    agreement = signed_agreement(source, status=SharingAgreement.Status.DRAFT)
    document = b"%PDF-1.7 signed agreement between the parties"
    client = client_for(reviewer)
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    bad = client.post(
        reverse("safety:agreement_document", args=[agreement.pk]),
        {"document": SimpleUploadedFile("agreement.txt", b"hello")},
    )
    assert "The file must be a PDF or a Word document" in bad.content.decode()
    response = client.post(
        reverse("safety:agreement_document", args=[agreement.pk]),
        {"document": SimpleUploadedFile("agreement.pdf", document)},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == SharingAgreement.Status.SIGNED
    from safety import storage  # noqa: PLC0415

    assert document not in storage.path_for(agreement.document_stored_name).read_bytes()

    download = client_for(team_member).post(
        reverse("safety:agreement_download", args=[agreement.pk]), {"purpose": "Renewal"}
    )
    assert b"".join(download.streaming_content) == document
    entry = agreement.accesses.get(what="agreement")
    assert (entry.user, entry.purpose) == (team_member, "Renewal")
    # The data source's page and the dataset's access log show the agreement.
    page = client_for(team_member).get(reverse("safety:data_source", args=[source.pk]))
    assert agreement.title in page.content.decode()


def _agreement_data(source, **changes) -> dict:
    dates = {"start_date": (1, 4, 2027), "review_date": (1, 10, 2027), "end_date": (1, 4, 2028)}
    dates |= changes.pop("dates", {})
    data = {
        "title": "Visits",
        "parties": [source.owner_id],
        "purpose": "Analysis",
        "lawful_basis": "public_task",
        "data_categories": "Visits",
    }
    for name, parts in dates.items():
        data |= {f"{name}_{n}": str(part) for n, part in enumerate(parts)}
    return data | changes


def test_agreement_form_checks_its_dates(programme_a, reviewer, source, client_for):
    response = client_for(reviewer).post(
        reverse("safety:agreement_new", args=[programme_a.slug]),
        _agreement_data(source, dates={"review_date": (1, 3, 2027)}),
    )
    assert "The review date must be on or after the start date" in response.content.decode()
    assert not SharingAgreement.objects.exists()


def test_the_lawful_basis_offers_no_blank_radio_button(programme_a, reviewer, client_for):
    page = client_for(reviewer).get(reverse("safety:agreement_new", args=[programme_a.slug]))
    page = page.content.decode()
    assert 'name="lawful_basis"' in page
    assert "---------" not in page


def test_the_parties_offered_are_the_programmes_own_organisations(
    programme_a, reviewer, source, client_for
):
    elsewhere = OrganisationFactory(name="A charity in another programme")
    team_org = OrganisationFactory(name="Riverside Advice Centre")
    MembershipFactory(
        programme=programme_a, user=UserFactory(organisation=team_org), role=Role.DATA_ANALYST
    )
    url = reverse("safety:agreement_new", args=[programme_a.slug])
    client = client_for(reviewer)
    page = client.get(url).content.decode()
    assert source.owner.name in page and team_org.name in page
    assert elsewhere.name not in page
    refused = client.post(url, _agreement_data(source, parties=[elsewhere.pk]))
    assert "Select a valid choice" in refused.content.decode()
    # An agreement that already names an organisation keeps it on offer.
    agreement = signed_agreement(source)
    agreement.parties.add(elsewhere)
    change = reverse("safety:agreement_edit", args=[agreement.pk])
    assert elsewhere.name in client.get(change).content.decode()


def test_special_category_data_needs_an_article_9_condition(
    programme_a, reviewer, source, team_member, client_for
):
    check = checks.check_start(
        idea=source.idea, stage=Stage.EVALUATION, author=team_member, data_source=source
    )
    check.answers = {"special_category": {"answer": "yes", "note": "Health notes"}}
    check.save()
    url = reverse("safety:agreement_new", args=[programme_a.slug])
    client = client_for(reviewer)

    refused = client.post(url, _agreement_data(source, data_sources=[source.pk]))
    assert (
        "Choose the Article 9 condition: the evaluation check says "
        f"{source.name} includes special-category data"
    ) in refused.content.decode()
    assert not SharingAgreement.objects.exists()

    condition = SharingAgreement._meta.get_field("special_category_condition").choices[0][0]
    saved = client.post(
        url,
        _agreement_data(source, data_sources=[source.pk], special_category_condition=condition),
    )
    assert saved.status_code == 302
    assert SharingAgreement.objects.get().special_category_condition == condition


def test_ending_an_agreement_stops_the_data(source, dataset, team_member, reviewer, client_for):
    agreement = signed_agreement(source)
    agreements.agreement_end(agreement=agreement, user=reviewer, reason="Project closed")
    response = client_for(team_member).get(
        reverse("safety:dataset_download_redacted", args=[dataset.pk])
    )
    assert response.status_code == 403
    assert "has expired or ended" in response.content.decode()


# --- The extension point --------------------------------------------------------------------


@pytest.fixture
def fake_providers():
    def answers(idea):
        return {
            "map": Prefill("yes", "A ward map of visits"),
            "indicators_of_need": Prefill("no"),
            "not_a_question": Prefill("yes"),
        }

    def notes(idea):
        return [SuppressionNote("Wards with fewer than 10 households", "Small numbers", 3)]

    extensions.register_solution_answers(answers)
    extensions.register_suppression_notes(notes)
    yield
    extensions.unregister(answers)
    extensions.unregister(notes)


def test_the_solution_check_is_prefilled_by_the_project_app(source, analyst, fake_providers):
    check = checks.check_start(idea=source.idea, stage=Stage.SOLUTION, author=analyst)
    assert check.answers == {
        "map": {"answer": "yes", "note": "A ward map of visits"},
        "indicators_of_need": {"answer": "no", "note": ""},
    }


def test_the_pre_publication_page_shows_what_is_suppressed(
    source, analyst, client_for, fake_providers
):
    check = checks.check_start(idea=source.idea, stage=Stage.PRE_PUBLICATION, author=analyst)
    page = client_for(analyst).get(check.get_absolute_url()).content.decode()
    assert "What the insight to be published suppresses" in page
    assert "Wards with fewer than 10 households" in page


def test_a_prefill_must_be_yes_no_or_unknown():
    with pytest.raises(ValueError, match="yes, no or unknown"):
        Prefill("maybe")


# --- Small numbers, the audit log -----------------------------------------------------------


def test_small_numbers_cannot_be_set_below_ten(programme_a, admin, client_for):
    settings = SafetySettings(programme=programme_a, min_cell_count=5)
    with pytest.raises(ValidationError):
        settings.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        settings.save()
    response = client_for(admin).post(
        reverse("admin:safety_safetysettings_add"),
        {"programme": programme_a.pk, "min_cell_count": 9},
    )
    assert "Enter 10 or more" in response.content.decode()
    assert SafetySettings.min_cell_count_for(programme_a.pk) == 10


def test_the_migration_raises_lower_thresholds_to_the_floor(dataset):
    from importlib import import_module  # noqa: PLC0415

    from django.apps import apps  # noqa: PLC0415

    # Datasets kept the threshold of their upload; settings below 10 can no longer be stored.
    Dataset.objects.filter(pk=dataset.pk).update(min_cell_count=5)
    migration = import_module("safety.migrations.0003_safety_checks_and_sharing_agreements")
    migration.raise_to_the_floor(apps, None)
    dataset.refresh_from_db()
    assert dataset.min_cell_count == 10


@pytest.mark.parametrize(
    "model",
    [
        SafetyCheck,
        CheckCondition,
        SharingAgreement,
        ColumnFinding,
        Dataset,
        SafetySettings,
        ProjectEvent,
        SelectionScore,
        Project,
        Insight,
        Action,
    ],
)
def test_every_decision_model_is_in_the_audit_log(model):
    assert auditlog.contains(model)


# --- The evidence pack ----------------------------------------------------------------------


class _Text(HTMLParser):
    """The words inside <main> (or the whole body of a standalone document)."""

    def __init__(self, start_tag: str) -> None:
        super().__init__()
        self.start_tag, self.depth, self.words = start_tag, 0, []

    def handle_starttag(self, tag, attrs):
        if tag == self.start_tag or self.depth:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.words += data.split()


def _words(html: str, start_tag: str) -> list[str]:
    parser = _Text(start_tag)
    parser.feed(html)
    return parser.words


def test_the_pdf_says_what_the_page_says(
    source, dataset, analyst, reviewer, client_for, monkeypatch
):
    # Both say when they were made: the same moment, so a minute ticking over cannot differ.
    made = timezone.now()
    monkeypatch.setattr("safety.evidence.timezone.now", lambda: made)
    approve_evaluation(source, analyst)
    signed_agreement(source)
    check = _waiting(source, analyst, stage=Stage.SOLUTION)
    checks.check_sign_off(
        check=check,
        user=reviewer,
        outcome=Outcome.APPROVED_WITH_CONDITIONS,
        conditions=[checks.ConditionInput("Merge small wards", analyst, date(2030, 1, 1))],
    )
    client = client_for(reviewer)
    url = reverse("safety:evidence_pack", args=[source.idea_id])
    from safety import evidence  # noqa: PLC0415

    context = evidence.pack(source.idea)
    page_html = client.get(url).content.decode()
    pdf = client.get(reverse("safety:evidence_pack_pdf", args=[source.idea_id]))

    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
    pdf_text = " ".join(page.extract_text() for page in reader.pages)
    # Each page's footer ("Page 1 of 3") is the PDF's own.
    pdf_words = re.sub(r"Page \d+ of \d+", " ", pdf_text).split()
    # The page's body is the PDF's: the same template, word for word.
    body = _words(page_html, "main")
    body = body[body.index("Evidence") :]
    assert "Merge small wards" in " ".join(body)
    assert sorted(body) == sorted(pdf_words)
    assert context["checks"] and context["agreements"] and context["datasets"]


def test_evidence_pack_query_count_does_not_grow_with_the_checks(
    source, analyst, reviewer, client_for, django_assert_max_num_queries
):
    client = client_for(reviewer)
    url = reverse("safety:evidence_pack", args=[source.idea_id])
    approve_evaluation(source, analyst)
    client.get(url)  # signed in before counting
    with django_assert_max_num_queries(30):
        client.get(url)
    for stage in (Stage.SOLUTION, Stage.PRE_PUBLICATION):
        approved_check(source.idea, stage)
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200


def test_the_agreement_register_and_the_access_log_page_at_any_size(
    source, dataset, team_member, reviewer, client_for, django_assert_max_num_queries
):
    def grow(n: int) -> None:
        for i in range(n):
            signed_agreement(source, title=f"Agreement {SharingAgreement.objects.count()} {i}")
            DatasetAccess.objects.create(
                dataset=dataset, user=reviewer, what="redacted", purpose=f"Reason {i}"
            )

    register = reverse("safety:agreement_list", args=[source.idea.programme.slug])
    report = dataset.get_absolute_url()
    keeper, owner = client_for(reviewer), client_for(team_member)
    counts: dict[str, int] = {"register": 40, "report": 40}  # the first size sets the bar
    for n in (2, 30):
        grow(n)
        # The same number of queries at both sizes.
        with django_assert_max_num_queries(counts["register"]) as done:
            register_page = keeper.get(register)
        counts["register"] = len(done.captured_queries)
        with django_assert_max_num_queries(counts["report"]) as done:
            report_page = owner.get(report)
        counts["report"] = len(done.captured_queries)
        assert "Reason" in report_page.content.decode()
    assert 'class="govuk-pagination' in register_page.content.decode()
    assert 'class="govuk-pagination' in report_page.content.decode()


def test_one_check_in_force_per_stage_even_without_a_data_source(source, analyst):
    approved_check(source.idea, Stage.SOLUTION)
    duplicate = SafetyCheck(
        idea=source.idea, stage=Stage.SOLUTION, version=2, author=analyst, in_force=True
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_the_question_pages_have_a_back_link(source, analyst, reviewer, client_for):
    check = _waiting(source, analyst)
    agreement = signed_agreement(source)
    pages = {
        reverse("safety:check_sign_off", args=[check.pk]): check.get_absolute_url(),
        reverse("safety:agreement_new", args=[source.idea.programme.slug]): reverse(
            "safety:agreement_list", args=[source.idea.programme.slug]
        ),
        reverse("safety:agreement_edit", args=[agreement.pk]): agreement.get_absolute_url(),
        reverse("safety:agreement_end", args=[agreement.pk]): agreement.get_absolute_url(),
        reverse("safety:agreement_document", args=[agreement.pk]): agreement.get_absolute_url(),
    }
    client = client_for(reviewer)
    for url, back in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<a href="{back}" class="govuk-back-link">' in response.content.decode(), url
    condition = CheckCondition.objects.create(
        safety_check=check,
        text="Drop the notes column",
        owner=analyst,
        due_date=timezone.localdate(),
    )
    page = client_for(analyst).get(reverse("safety:condition", args=[condition.pk]))
    assert f'<a href="{check.get_absolute_url()}" class="govuk-back-link">' in page.content.decode()
    draft = checks.check_start(idea=source.idea, stage=Stage.SOLUTION, author=analyst)
    page = client_for(analyst).get(reverse("safety:check_edit", args=[draft.pk]))
    assert f'<a href="{draft.get_absolute_url()}" class="govuk-back-link">' in page.content.decode()
