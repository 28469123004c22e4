"""Demo office hours for `manage.py seed_demo`: upcoming slots with bookings, and a past session
with attendance recorded. Sends no email."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from teams import services
from teams.models import OfficeHourBooking, OfficeHourSlot, Programme, User

TOPICS = [
    ("Which wards have the longest waits for food bank referrals?", ""),
    ("Young carers we never hear about until they reach crisis", "Captions on video calls"),
    ("Damp and mould reports from our tenants' group", "Step-free access"),
]


@transaction.atomic
def seed_office_hours(
    programme: Programme, facilitator: User, vcs_users: Sequence[User]
) -> list[OfficeHourSlot]:
    """Give `programme` demo office hours, once: running it again changes nothing."""
    if programme.office_hours.exists():
        return list(programme.office_hours.all())
    today = timezone.localdate()
    next_tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    common = {
        "programme": programme,
        "created_by": facilitator,
        "min_notice_hours": 24,
        "buffer_minutes": 15,
    }
    one_to_one = services.office_hour_slots_publish(
        first_day=next_tuesday,
        start_time=time(10),
        length_minutes=30,
        weeks=4,
        capacity=1,
        online_link="https://meet.example.org/office-hours",
        place="",
        waitlist=True,
        **common,
    )
    group = services.office_hour_slots_publish(
        first_day=next_tuesday + timedelta(days=2),
        start_time=time(14),
        length_minutes=60,
        weeks=1,
        capacity=6,
        online_link="",
        place="Riverside Library, Community Room",
        waitlist=False,
        **common,
    )
    past_start = timezone.now() - timedelta(days=7)
    past = OfficeHourSlot.objects.create(
        programme=programme,
        starts_at=past_start,
        ends_at=past_start + timedelta(minutes=60),
        capacity=4,
        place="Riverside Library, Community Room",
        created_by=facilitator,
    )
    for index, user in enumerate(vcs_users):
        topic, access_needs = TOPICS[index % len(TOPICS)]
        upcoming = one_to_one[index] if index < len(one_to_one) else group[0]
        for slot, attendance in ((upcoming, ""), (past, "attended" if index % 2 == 0 else "")):
            if slot.bookings.count() >= slot.capacity:
                continue
            OfficeHourBooking.objects.create(
                slot=slot,
                user=user,
                organisation=user.organisation,
                topic=topic,
                access_needs=access_needs,
                confirmed_at=timezone.now(),
                emailed_sequence=0,  # demo data: nothing to email
                attendance=attendance,
                notes="Follow up with the analyst about ward-level data." if attendance else "",
            )
    return [*one_to_one, *group, past]
