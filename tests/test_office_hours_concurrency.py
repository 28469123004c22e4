"""Two people press "Book" for the last place at the same moment: exactly one gets it.

Needs PostgreSQL (SQLite locks the whole database, which proves nothing about row locks). Skipped
without it, unless CIP_REQUIRE_SERVICES=1 (as in CI), when a missing PostgreSQL is a failure.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from teams import services
from teams.models import OfficeHourBooking, OfficeHourSlot
from tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.services


def _require_postgresql() -> None:
    if connection.vendor == "postgresql":
        return
    reason = "DATABASE_URL does not point at PostgreSQL"
    if os.environ.get("CIP_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (CIP_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.mark.parametrize("capacity", [1, 3])
def test_two_people_booking_the_last_place_at_once(transactional_db, monkeypatch, capacity):
    _require_postgresql()
    programme = ProgrammeFactory(slug="race")
    start = timezone.now() + timedelta(days=3)
    slot = OfficeHourSlot.objects.create(
        programme=programme,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        capacity=capacity,
        online_link="https://meet.example.org/race",
    )
    for _ in range(capacity - 1):  # leave exactly one place
        OfficeHourBooking.objects.create(slot=slot, user=UserFactory(), topic="Earlier")
    people = [UserFactory(), UserFactory()]

    # Widen the race: each request pauses after counting the places taken. Without the row lock,
    # both would count a free place during the pause and both would book it.
    count_places = services._places_taken

    def slow_count(locked_slot):
        taken = count_places(locked_slot)
        time.sleep(0.3)
        return taken

    monkeypatch.setattr(services, "_places_taken", slow_count)
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def press_book(person) -> None:
        try:
            barrier.wait(timeout=10)
            services.office_hour_book(slot=slot, user=person, topic="Ours", access_needs="")
            outcomes.append("booked")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press_book, args=[person]) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["This session is full. Choose another time", "booked"]
    confirmed = slot.bookings.filter(status=OfficeHourBooking.Status.CONFIRMED)
    assert confirmed.count() == capacity
