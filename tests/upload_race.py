"""Two people upload the same new file at the same moment, through the upload page.

Run by tests/test_datasets.py in its own process, because the race needs the database the
product runs on by default, a SQLite file, which the test suite (an in-memory database shared
between threads) cannot show:

    DATABASE_URL=sqlite:////tmp/race.sqlite3 python -m tests.upload_race /tmp/race-storage

Prints one JSON object: each request's status and whether it said "already been uploaded", the
datasets stored, and the files left in private storage.
"""

from __future__ import annotations

import json
import os
import sys
import threading


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cip.settings")
    django.setup()

    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from safety import services
    from safety.demo import synthetic_csv
    from safety.models import Dataset
    from tests.dataset_helpers import data_source
    from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory, give_totp

    setup_test_environment()
    settings.PRIVATE_STORAGE_ROOT = sys.argv[1]
    call_command("migrate", verbosity=0)
    organisation = OrganisationFactory()
    users = [UserFactory(organisation=organisation) for _ in range(2)]
    for user in users:  # people who may download data use a second factor (safety.rules)
        give_totp(user)
    source = data_source(ProgrammeFactory(slug="race"), owner=organisation)
    url = reverse("safety:dataset_upload", args=[source.pk])
    content = synthetic_csv(rows=200)

    # Both requests pass the first look for a duplicate before either stores its file.
    barrier = threading.Barrier(2)
    check_table = services.check_table

    def check_then_wait(*args, **kwargs):
        found = check_table(*args, **kwargs)
        barrier.wait(timeout=20)
        return found

    services.check_table = check_then_wait
    services._queue_scan = lambda dataset: None  # the scan is not what is raced here
    outcomes: list[dict] = []

    def upload(user) -> None:
        client = Client()
        client.force_login(user)
        try:
            response = client.post(url, {"file": SimpleUploadedFile("visits.csv", content)})
            page = response.content.decode()
            outcomes.append(
                {"status": response.status_code, "duplicate": "already been uploaded" in page}
            )
        except Exception as error:  # a 500 in a real server
            outcomes.append({"status": 500, "error": type(error).__name__, "detail": str(error)})
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload, args=[user]) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    root = settings.PRIVATE_STORAGE_ROOT
    files = sorted(
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _, names in os.walk(root)
        for name in names
    )
    print(json.dumps({"outcomes": outcomes, "datasets": Dataset.objects.count(), "files": files}))


if __name__ == "__main__":
    main()
