"""The dashboard's to-do list in groups: a count, the first few tasks and a page with them all."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from cip import dashboard
from cip.dashboard import SHOWN, Task, groups_for
from teams.models import Role
from tests.factories import MembershipFactory
from tests.scoping_helpers import idea_on
from tests.selection_helpers import candidate

pytestmark = pytest.mark.django_db


def test_many_candidates_are_one_group_with_a_count_and_a_page_of_them_all(
    programme_a, analyst, client_for
) -> None:
    for n in range(30):
        candidate(programme_a, f"Candidate number {n}")
    client = client_for(analyst)

    page = client.get(reverse("dashboard")).content.decode()
    assert "Candidates to score (30)" in page
    assert page.count("Score “Candidate number") == SHOWN
    see_all = reverse("dashboard_tasks", args=["candidates-to-score"])
    assert f'href="{see_all}"' in page and "See all 30" in page

    first = client.get(see_all).content.decode()
    second = client.get(see_all + "?page=2").content.decode()
    assert first.count("Score “Candidate number") == 25
    assert second.count("Score “Candidate number") == 5
    assert "Showing 26 to 30 of 30" in second


def test_a_group_with_nothing_waiting_says_so_and_an_unknown_one_is_not_found(
    analyst, client_for
) -> None:
    client = client_for(analyst)
    empty = client.get(reverse("dashboard_tasks", args=["candidates-to-score"]))
    assert "Nothing of this kind is waiting for you now." in empty.content.decode()
    assert client.get(reverse("dashboard_tasks", args=["no-such-thing"])).status_code == 404


def test_tasks_naming_a_group_are_shown_together_and_others_as_they_come(
    monkeypatch, analyst
) -> None:
    def provider(request):
        yield Task("Before", "/before/")
        for n in range(SHOWN + 2):
            yield Task(f"Read report {n}", f"/reports/{n}/", group="Reports to read")
        yield Task("After", "/after/")

    monkeypatch.setattr(dashboard, "_providers", [provider])
    request = RequestFactory().get("/dashboard/")
    request.user = analyst

    groups = groups_for(request)

    # In the providers' order: a group where its first task was.
    assert [(g.title, g.count, [t.title for t in g.tasks][:1]) for g in groups] == [
        ("", 1, ["Before"]),
        ("Reports to read", SHOWN + 2, ["Read report 0"]),
        ("", 1, ["After"]),
    ]
    assert groups[1].more and len(groups[1].tasks) == SHOWN
    assert groups[1].see_all == reverse("dashboard_tasks", args=["reports-to-read"])
    assert len(dashboard.group_for(request, "reports-to-read").items) == SHOWN + 2


def test_a_facilitator_of_several_programmes_sees_their_tasks_in_name_order(
    programme_a, programme_b, facilitator, client_for
) -> None:
    MembershipFactory(programme=programme_b, user=facilitator, role=Role.FACILITATOR)
    for programme in (programme_a, programme_b):  # Riverside made first, Hillside second
        idea_on(programme)
    page = client_for(facilitator).get(reverse("dashboard")).content.decode()
    hillside = page.index("Look at 1 new idea for Hillside")
    riverside = page.index("Look at 1 new idea for Riverside")
    assert hillside < riverside
