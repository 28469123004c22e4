"""Two people press "Register" for the last place at a plenary at once: exactly one gets it and
the other joins the waiting list.

Needs PostgreSQL (SQLite locks the whole database, which proves nothing about row locks). Skipped
without it, unless CIP_REQUIRE_SERVICES=1 (as in CI), when a missing PostgreSQL is a failure.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections

from projects import sharing
from projects.models import PlenaryRegistration
from tests.factories import ProgrammeFactory, UserFactory
from tests.sharing_helpers import plenary_on, registration_on
from tests.test_office_hours_concurrency import _require_postgresql

pytestmark = pytest.mark.services


def test_two_people_registering_for_the_last_place_at_once(transactional_db, monkeypatch):
    _require_postgresql()
    plenary = plenary_on(ProgrammeFactory(slug="race"), capacity=2)
    registration_on(plenary, UserFactory())  # one place left
    people = [UserFactory(), UserFactory()]

    # Widen the race: each request pauses after counting the places taken. Without the row lock,
    # both would count a free place during the pause and both would take it.
    count_places = sharing._places_taken

    def slow_count(locked):
        taken = count_places(locked)
        time.sleep(0.3)
        return taken

    monkeypatch.setattr(sharing, "_places_taken", slow_count)
    barrier = threading.Barrier(len(people))

    def press_register(person) -> None:
        try:
            barrier.wait(timeout=10)
            sharing.plenary_register(plenary=plenary, user=person, use_of_insights="Ours")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press_register, args=[person]) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(
        plenary.registrations.filter(user__in=people).values_list("status", flat=True)
    )
    assert statuses == [PlenaryRegistration.Status.CONFIRMED, PlenaryRegistration.Status.WAITLISTED]
