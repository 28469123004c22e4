"""Leases on running scans and redactions, the reaper that queues lost work again, and datasets
that keep crashing their worker (in-process; tests/test_dataset_faults.py kills real workers)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cip.dashboard import tasks_for
from safety import leases, services
from safety.demo import synthetic_csv
from safety.models import MAX_ATTEMPTS, ColumnFinding, Dataset
from safety.tasks import email_dataset_failed
from tests.dataset_helpers import data_source, stored_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(programme_a, team_member):
    return data_source(programme_a, owner=team_member.organisation)


@pytest.fixture
def uploaded(source, team_member, tmp_path) -> Dataset:
    return stored_dataset(source, tmp_path, upto="uploaded", uploader=team_member)


def _lease(dataset: Dataset, *, seconds: float, holder: str = "worker-b:1:abc", **fields) -> None:
    Dataset.objects.filter(pk=dataset.pk).update(
        lease_holder=holder,
        lease_expires_at=timezone.now() + timedelta(seconds=seconds),
        queued_at=None,
        **fields,
    )


def _queued(callbacks) -> int:
    return len(callbacks)


# --- Claims and leases -------------------------------------------------------------------------


def test_a_scan_holds_a_lease_while_it_runs_and_gives_it_up_when_done(uploaded, monkeypatch):
    seen = []
    original = services._scan

    def watching(dataset, lease, *args, **kwargs):
        row = Dataset.objects.get(pk=dataset.pk)
        seen.append((row.lease_holder, row.lease_expires_at > timezone.now(), row.queued_at))
        return original(dataset, lease, *args, **kwargs)

    monkeypatch.setattr(services, "_scan", watching)

    assert services.dataset_scan(dataset_id=uploaded.pk)

    [(holder, live, queued_at)] = seen
    assert holder.count(":") == 2 and live and queued_at is None
    uploaded.refresh_from_db()
    assert uploaded.status == Dataset.Status.SCANNED
    assert (uploaded.lease_holder, uploaded.lease_expires_at) == ("", None)


def test_a_run_that_finds_a_live_lease_leaves_the_dataset_alone(uploaded):
    _lease(uploaded, seconds=60, status=Dataset.Status.SCANNING, attempts=1)

    assert not services.dataset_scan(dataset_id=uploaded.pk)

    uploaded.refresh_from_db()
    assert (uploaded.status, uploaded.attempts) == (Dataset.Status.SCANNING, 1)
    assert uploaded.lease_holder == "worker-b:1:abc"
    assert not uploaded.findings.exists()


def test_a_lapsed_lease_is_claimed_again_and_the_attempt_counted(uploaded):
    _lease(uploaded, seconds=-1, status=Dataset.Status.SCANNING, attempts=1)

    assert services.dataset_scan(dataset_id=uploaded.pk)

    uploaded.refresh_from_db()
    assert (uploaded.status, uploaded.attempts) == (Dataset.Status.SCANNED, 2)
    assert ColumnFinding.objects.filter(dataset=uploaded).count() == 11


def test_two_claims_at_once_give_the_work_to_one(uploaded):
    first = leases.claim(uploaded.pk, "scanning", "attempts", ("uploaded", "scanning"))
    second = leases.claim(uploaded.pk, "scanning", "attempts", ("uploaded", "scanning"))

    assert first is not None and second is None
    uploaded.refresh_from_db()
    assert (uploaded.attempts, uploaded.lease_holder) == (1, first.holder)


def test_a_run_taken_for_dead_stops_at_its_next_chunk_and_writes_nothing(uploaded, monkeypatch):
    original = services.scan

    def taken_over(path, options):
        # Another worker claims the dataset (this run's lease had lapsed) mid-scan.
        Dataset.objects.filter(pk=uploaded.pk).update(lease_holder="worker-b:2:def")
        return original(path, options)

    monkeypatch.setattr(services, "scan", taken_over)

    assert not services.dataset_scan(dataset_id=uploaded.pk)

    uploaded.refresh_from_db()
    assert (uploaded.status, uploaded.lease_holder) == (Dataset.Status.SCANNING, "worker-b:2:def")
    assert not uploaded.findings.exists()


@pytest.mark.django_db(transaction=True)
def test_the_keeper_renews_the_lease_between_chunks(programme_a, team_member, tmp_path, settings):
    dataset = stored_dataset(
        data_source(programme_a, owner=team_member.organisation), tmp_path, upto="uploaded"
    )
    settings.DATASET_LEASE_SECONDS = 1.5  # the keeper renews every half second
    lease = leases.claim(dataset.pk, "scanning", "attempts", ("scanned",))
    start = timezone.now()
    Dataset.objects.filter(pk=dataset.pk).update(lease_expires_at=start)

    with lease:
        time.sleep(1.3)  # no chunk renews it meanwhile

    assert not lease._keeper.is_alive()  # stopped with the run
    dataset.refresh_from_db()
    assert dataset.lease_expires_at > start + timedelta(seconds=1.5)


# --- The reaper --------------------------------------------------------------------------------


def test_the_reaper_queues_again_a_scan_whose_lease_lapsed(
    uploaded, django_capture_on_commit_callbacks
):
    _lease(uploaded, seconds=-1, status=Dataset.Status.SCANNING, attempts=1)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        counts = services.datasets_requeue_stalled()

    assert counts == {"queued": 1, "failed": 0}
    assert _queued(callbacks) == 1
    uploaded.refresh_from_db()
    # The queued task ran in-process (eager): it claimed the lapsed lease and finished once.
    assert (uploaded.status, uploaded.attempts) == (Dataset.Status.SCANNED, 2)


def test_the_reaper_leaves_live_leases_and_freshly_queued_work_alone(
    uploaded, source, tmp_path, django_capture_on_commit_callbacks
):
    _lease(uploaded, seconds=60, status=Dataset.Status.SCANNING, attempts=1)
    (tmp_path / "two").mkdir()
    waiting = stored_dataset(
        source, tmp_path / "two", upto="uploaded", content=b"age,ward\n30,North\n"
    )
    assert waiting.queued_at is not None

    with django_capture_on_commit_callbacks() as callbacks:
        assert services.datasets_requeue_stalled() == {"queued": 0, "failed": 0}

    assert not callbacks


def test_work_waiting_with_no_message_is_queued_again_once_per_period(
    uploaded, settings, django_capture_on_commit_callbacks
):
    # The broker lost the message (a flush): the dataset waits, uploaded, with nothing to run it.
    Dataset.objects.filter(pk=uploaded.pk).update(
        queued_at=timezone.now() - timedelta(seconds=settings.DATASET_REQUEUE_SECONDS + 1)
    )

    with django_capture_on_commit_callbacks() as callbacks:
        assert services.datasets_requeue_stalled() == {"queued": 1, "failed": 0}
        # Queued again just now: the next run waits for it to be taken.
        assert services.datasets_requeue_stalled() == {"queued": 0, "failed": 0}

    assert len(callbacks) == 1
    uploaded.refresh_from_db()
    assert uploaded.status == Dataset.Status.UPLOADED
    assert timezone.now() - uploaded.queued_at < timedelta(seconds=5)


def test_the_reaper_queues_a_lapsed_redaction_as_a_redaction(
    source, team_member, tmp_path, django_capture_on_commit_callbacks
):
    dataset = stored_dataset(source, tmp_path, uploader=team_member)
    copies = dataset.redacted_copies.count()
    _lease(dataset, seconds=-1, status=Dataset.Status.REDACTING, redaction_attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.datasets_requeue_stalled() == {"queued": 1, "failed": 0}

    dataset.refresh_from_db()
    assert (dataset.status, dataset.redaction_attempts) == (Dataset.Status.REDACTED, 2)
    assert dataset.redacted_copies.count() == copies == 1


def test_an_upload_stands_when_the_broker_is_away_and_the_reaper_sends_it_later(
    source, team_member, client_for, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError  # noqa: PLC0415

    from safety.tasks import scan_dataset  # noqa: PLC0415

    def away(*args):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    sent = scan_dataset.delay
    monkeypatch.setattr(scan_dataset, "delay", away)
    url = reverse("safety:dataset_upload", args=[source.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team_member).post(
            url, {"file": SimpleUploadedFile("visits.csv", synthetic_csv(rows=20))}
        )

    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert dataset.status == Dataset.Status.UPLOADED and dataset.queued_at is not None
    monkeypatch.setattr(scan_dataset, "delay", sent)  # the broker is back
    Dataset.objects.update(
        queued_at=timezone.now() - timedelta(seconds=settings.DATASET_REQUEUE_SECONDS + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.datasets_requeue_stalled() == {"queued": 1, "failed": 0}
    assert Dataset.objects.get().status == Dataset.Status.SCANNED


# --- Datasets that keep crashing their worker ----------------------------------------------------


def test_a_dataset_that_crashed_its_worker_three_times_fails_and_its_uploader_is_told(
    uploaded, source, tmp_path, team_member, django_capture_on_commit_callbacks
):
    _lease(uploaded, seconds=-1, status=Dataset.Status.SCANNING, attempts=MAX_ATTEMPTS)
    (tmp_path / "other").mkdir()
    other = stored_dataset(source, tmp_path / "other", upto="uploaded", content=b"a,b\n1,2\n")
    Dataset.objects.filter(pk=other.pk).update(queued_at=None)  # its message was lost

    with django_capture_on_commit_callbacks(execute=True):
        assert services.datasets_requeue_stalled() == {"queued": 1, "failed": 1}

    uploaded.refresh_from_db()
    assert uploaded.status == Dataset.Status.FAILED
    assert "stopped 3 times" in uploaded.error_message
    assert uploaded.attempts == MAX_ATTEMPTS  # no fourth run was needed to find out
    assert (uploaded.lease_holder, uploaded.lease_expires_at) == ("", None)
    # The other scan carried on.
    other.refresh_from_db()
    assert other.status == Dataset.Status.SCANNED
    [email] = mail.outbox
    assert email.to == [team_member.email]
    assert email.subject == "visits.csv could not be scanned"
    assert "stopped 3 times" in email.body
    assert reverse("safety:dataset_progress", args=[uploaded.pk]) in email.body
    assert "try the scan again once" in email.body
    # Sent once, however often the task runs.
    assert not email_dataset_failed(uploaded.pk)
    assert len(mail.outbox) == 1


def test_a_fourth_delivery_fails_the_dataset_and_tells_the_uploader(
    uploaded, django_capture_on_commit_callbacks
):
    _lease(uploaded, seconds=-1, status=Dataset.Status.SCANNING, attempts=MAX_ATTEMPTS)

    with django_capture_on_commit_callbacks(execute=True):
        assert not services.dataset_scan(dataset_id=uploaded.pk)

    uploaded.refresh_from_db()
    assert (uploaded.status, uploaded.attempts) == (Dataset.Status.FAILED, MAX_ATTEMPTS + 1)
    assert len(mail.outbox) == 1


def test_a_failed_redaction_tells_the_reviewer_too(
    source, team_member, reviewer, tmp_path, django_capture_on_commit_callbacks
):
    dataset = stored_dataset(source, tmp_path, upto="scanned", uploader=team_member)
    Dataset.objects.filter(pk=dataset.pk).update(
        status=Dataset.Status.REDACTING,
        remedies_confirmed_by=reviewer,
        remedies_confirmed_at=timezone.now(),
        redaction_attempts=MAX_ATTEMPTS,
        lease_holder="gone:1:x",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert services.datasets_requeue_stalled() == {"queued": 0, "failed": 1}

    dataset.refresh_from_db()
    assert dataset.failed_in_redaction and not dataset.may_try_again
    [email] = mail.outbox
    assert sorted(email.to) == sorted([team_member.email, reviewer.email])
    assert email.subject == "The redacted copy of visits.csv could not be written"


# --- Trying again ------------------------------------------------------------------------------


def _failed(dataset: Dataset) -> None:
    Dataset.objects.filter(pk=dataset.pk).update(
        status=Dataset.Status.FAILED,
        attempts=MAX_ATTEMPTS,
        error_message="The scan stopped 3 times without finishing.",
        failure_emailed_at=timezone.now(),
    )


def test_the_owner_sees_the_failed_scan_on_their_dashboard_until_a_new_file_replaces_it(
    uploaded, source, team_member, rf, tmp_path
):
    _failed(uploaded)
    request = rf.get("/")
    request.user = team_member

    titles = [task.title for task in tasks_for(request)]
    assert "visits.csv could not be scanned" in titles

    (tmp_path / "new").mkdir()
    stored_dataset(source, tmp_path / "new", upto="uploaded", content=b"a,b\n1,2\n")
    titles = [task.title for task in tasks_for(request)]
    assert "visits.csv could not be scanned" not in titles


def test_the_owner_tries_a_failed_scan_again_once(
    uploaded, team_member, client_for, django_capture_on_commit_callbacks
):
    _failed(uploaded)
    client = client_for(team_member)
    progress = reverse("safety:dataset_progress", args=[uploaded.pk])
    page = client.get(progress).content.decode()
    assert "Try the scan again" in page and "Upload a corrected file" in page

    url = reverse("safety:dataset_try_again", args=[uploaded.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302 and response["Location"] == progress
    uploaded.refresh_from_db()
    assert (uploaded.status, uploaded.attempts) == (Dataset.Status.SCANNED, 1)
    assert uploaded.retried_at is not None and uploaded.failure_emailed_at is None
    entry = LogEntry.objects.get_for_object(uploaded).filter(actor=team_member).get()
    assert {"status", "retried_at"} <= set(entry.changes_dict)

    # Once only: failing again leaves a corrected file as the way on.
    _failed(uploaded)
    assert "Try the scan again" not in client.get(progress).content.decode()
    response = client.post(url, follow=True)
    assert "cannot be tried again" in response.content.decode()
    uploaded.refresh_from_db()
    assert uploaded.status == Dataset.Status.FAILED


def test_only_the_owner_may_try_again(uploaded, reviewer, client_for):
    _failed(uploaded)
    url = reverse("safety:dataset_try_again", args=[uploaded.pk])

    assert client_for(reviewer).post(url).status_code == 403
    assert client_for(reviewer).get(url).status_code == 405
    uploaded.refresh_from_db()
    assert uploaded.status == Dataset.Status.FAILED


def test_a_failed_redaction_is_tried_again_by_confirming_the_remedies(
    source, team_member, reviewer, tmp_path, client_for
):
    dataset = stored_dataset(source, tmp_path, upto="scanned", uploader=team_member)
    Dataset.objects.filter(pk=dataset.pk).update(
        status=Dataset.Status.FAILED,
        remedies_confirmed_at=timezone.now(),
        redaction_attempts=MAX_ATTEMPTS,
    )
    dataset.refresh_from_db()
    page = client_for(reviewer).get(reverse("safety:dataset_progress", args=[dataset.pk]))
    assert "Confirm the remedies again" in page.content.decode()
    owner_page = client_for(team_member).get(reverse("safety:dataset_progress", args=[dataset.pk]))
    assert "The reviewer can confirm the remedies again" in owner_page.content.decode()

    services.dataset_remedies_confirm(
        dataset=dataset, user=reviewer, remedies={}, quasi_identifiers=dataset.quasi_identifiers
    )

    dataset.refresh_from_db()
    assert (dataset.status, dataset.redaction_attempts) == (Dataset.Status.REDACTING, 0)
    assert dataset.queued_at is not None and dataset.error_message == ""


def test_beat_runs_the_reaper_every_minute(settings) -> None:
    from cip.celery import app  # noqa: PLC0415

    entry = settings.CELERY_BEAT_SCHEDULE["dataset-reaper"]
    assert entry == {"task": "safety.tasks.requeue_stalled_datasets", "schedule": 60.0}
    assert entry["task"] in app.tasks
    assert settings.DATASET_LEASE_SECONDS < settings.DATASET_REQUEUE_SECONDS <= 5 * 60
