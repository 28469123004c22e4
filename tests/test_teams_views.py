"""The people-and-programmes pages, through their URLs, as the personas."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from teams.models import Membership, Organisation, Role
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
    give_totp,
)

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# --- dashboard --------------------------------------------------------------------------------


def test_dashboard_lists_my_teams_with_my_roles(client_for, analyst, programme_a) -> None:
    MembershipFactory(programme=programme_a, user=analyst, role=Role.DELIVERY_LEAD)

    response = client_for(analyst).get(reverse("dashboard"))

    assert response.status_code == 200
    assert [(r.team, r.role) for r in response.context["team_roles"]] == [
        ("Riverside Community Insights core team", "Delivery lead"),
        ("Riverside Community Insights core team", "Data scientist or analyst"),
    ]
    html = response.content.decode()
    assert "Your teams and roles" in html and "What you can do next" not in html


def test_dashboard_leaves_out_programmes_i_have_left(client_for, analyst, programme_a) -> None:
    Membership.objects.filter(user=analyst).update(ended_at=timezone.now())

    response = client_for(analyst).get(reverse("dashboard"))

    assert response.context["team_roles"] == []
    assert "What you can do next" in response.content.decode()


def test_a_new_partners_dashboard_says_what_they_can_do_next(
    client_for, vcs_partner, programme_a, programme_b
) -> None:
    html = client_for(vcs_partner).get(reverse("dashboard")).content.decode()
    assert "What you can do next" in html
    for programme in (programme_a, programme_b):
        assert f'href="/programmes/{programme.slug}/#office-hours">Book office hours' in html
        assert f'href="/programmes/{programme.slug}/ideas/new/">Suggest an idea' in html


def test_a_partner_invited_to_a_project_team_sees_it(
    client_for, facilitator, vcs_partner, programme_a
) -> None:
    from projects.selection import project_member_invite  # noqa: PLC0415
    from tests.selection_helpers import selected  # noqa: PLC0415

    project = selected(programme_a)
    project_member_invite(
        project=project,
        invited_by=facilitator,
        name="Vic Partner",
        email=vcs_partner.email,
        role="Knows the food bank's referral data",
        expectations="Two hours a week.",
        listed_publicly=False,
    )
    give_totp(vcs_partner)  # a project team may take redacted data, so it uses a second factor
    html = client_for(vcs_partner).get(reverse("dashboard")).content.decode()
    assert "You are not on" not in html and "What you can do next" not in html
    assert f"Project team for “{project.idea.title}”" in html
    assert "Knows the food bank&#x27;s referral data" in html
    assert f'href="/programmes/{programme_a.slug}/#the-project"' in html


def test_dashboard_asks_for_missing_details(client_for, db) -> None:
    newcomer = UserFactory(display_name="", organisation=None)

    response = client_for(newcomer).get(reverse("dashboard"))

    titles = [task.title for task in response.context["tasks"]]
    assert "Tell us your name and organisation" in titles


def test_dashboard_asks_facilitator_to_fill_the_core_team(
    client_for, facilitator, programme_a
) -> None:
    response = client_for(facilitator).get(reverse("dashboard"))

    tasks = {task.title: task for task in response.context["tasks"]}
    task = tasks[f"Fill the core team of {programme_a.name}"]
    assert task.url == programme_a.get_absolute_url()
    assert "Delivery lead" in task.hint
    assert "Facilitator" not in task.hint


def test_dashboard_asks_admins_to_confirm_new_organisations(client_for, admin) -> None:
    OrganisationFactory(name="Named At Sign-up", verified=False)

    response = client_for(admin).get(reverse("dashboard"))

    titles = [task.title for task in response.context["tasks"]]
    assert "Confirm 1 organisation named at sign-up" in titles


def test_dashboard_sends_anonymous_visitors_to_sign_in(client) -> None:
    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/dashboard/"


def test_dashboard_refuses_post(client_for, analyst) -> None:
    assert client_for(analyst).post(reverse("dashboard")).status_code == 405


def test_dashboard_refuses_post_before_asking_anyone_to_sign_in(client) -> None:
    response = client.post(reverse("dashboard"))

    assert response.status_code == 405


def test_dashboard_queries_do_not_grow_with_programmes(
    client_for, django_assert_num_queries
) -> None:
    one = UserFactory()
    MembershipFactory(user=one, role=Role.DELIVERY_LEAD)
    ten = UserFactory()
    for _ in range(10):
        MembershipFactory(user=ten, role=Role.DELIVERY_LEAD)
    expected = _queries(client_for(one), reverse("dashboard"))
    client = client_for(ten)

    with django_assert_num_queries(expected):
        assert client.get(reverse("dashboard")).status_code == 200


# --- profile ----------------------------------------------------------------------------------


def test_profile_saves_name_and_listed_organisation(client_for, vcs_partner) -> None:
    food_bank = OrganisationFactory(name="Riverside Food Bank", verified=True)

    response = client_for(vcs_partner).post(
        reverse("teams:profile"),
        {"display_name": "  Sam Patel ", "organisation": food_bank.pk, "new_organisation": ""},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert _messages(response) == ["Your details have been saved."]
    vcs_partner.refresh_from_db()
    assert vcs_partner.display_name == "Sam Patel"
    assert vcs_partner.organisation == food_bank


def test_profile_names_a_new_organisation_for_an_admin_to_confirm(client_for, vcs_partner) -> None:
    response = client_for(vcs_partner).post(
        reverse("teams:profile"),
        {"display_name": "Sam Patel", "organisation": "", "new_organisation": "Hillside Tenants"},
    )

    assert response.status_code == 302
    vcs_partner.refresh_from_db()
    assert vcs_partner.organisation.name == "Hillside Tenants"
    assert vcs_partner.organisation.verified is False


def test_profile_cannot_pick_an_unconfirmed_organisation(client_for, vcs_partner) -> None:
    unconfirmed = OrganisationFactory(name="Not Yet Checked", verified=False)

    response = client_for(vcs_partner).post(
        reverse("teams:profile"), {"display_name": "Sam", "organisation": unconfirmed.pk}
    )

    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    vcs_partner.refresh_from_db()
    assert vcs_partner.organisation != unconfirmed


def test_profile_shows_errors_in_a_govuk_error_summary(client_for, vcs_partner) -> None:
    before = vcs_partner.display_name

    response = client_for(vcs_partner).post(
        reverse("teams:profile"), {"display_name": "", "organisation": "", "new_organisation": ""}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "There is a problem" in page
    assert "Enter your name" in page
    assert "Choose your organisation, or enter its name below" in page
    assert "<title>Error:" in page
    vcs_partner.refresh_from_db()
    assert vcs_partner.display_name == before


def test_profile_refuses_other_methods(client_for, vcs_partner) -> None:
    assert client_for(vcs_partner).put(reverse("teams:profile")).status_code == 405


def test_profile_sends_anonymous_visitors_to_sign_in(client) -> None:
    response = client.get(reverse("teams:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- programme detail -------------------------------------------------------------------------


def test_programme_page_shows_the_team_to_a_member(client_for, analyst, facilitator) -> None:
    programme = facilitator.memberships.get().programme

    response = client_for(analyst).get(programme.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert programme.name in page
    assert facilitator.display_name in page
    assert analyst.display_name in page


def test_programme_page_leaves_out_people_who_left(client_for, analyst, programme_a) -> None:
    leaver = UserFactory(display_name="Former Colleague")
    MembershipFactory(programme=programme_a, user=leaver, ended_at=timezone.now())

    response = client_for(analyst).get(programme_a.get_absolute_url())

    assert response.status_code == 200
    assert "Former Colleague" not in response.content.decode()


def test_programme_page_offers_changes_only_to_the_facilitator(
    client_for, facilitator, analyst, programme_a
) -> None:
    edit_url = reverse("teams:programme_edit", kwargs={"slug": programme_a.slug})

    as_facilitator = client_for(facilitator).get(programme_a.get_absolute_url())
    as_analyst = client_for(analyst).get(programme_a.get_absolute_url())

    assert edit_url in as_facilitator.content.decode()
    assert edit_url not in as_analyst.content.decode()


def test_programme_page_is_not_found_for_outsiders(client_for, outsider, programme_a) -> None:
    response = client_for(outsider).get(programme_a.get_absolute_url())

    assert response.status_code == 404
    assert programme_a.name not in response.content.decode()


def test_programme_page_sends_anonymous_visitors_to_sign_in(client, programme_a) -> None:
    url = programme_a.get_absolute_url()

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_programme_page_refuses_post(client_for, analyst, programme_a) -> None:
    assert client_for(analyst).post(programme_a.get_absolute_url()).status_code == 405


def test_programme_team_queries_do_not_grow_with_members(
    client_for, admin, django_assert_num_queries
) -> None:
    small = ProgrammeFactory()
    MembershipFactory(programme=small)
    large = ProgrammeFactory()
    for role in list(Role)[:5]:
        MembershipFactory(programme=large, role=role)
        MembershipFactory(programme=large, role=role, user__organisation=None)
    assert large.memberships.count() == 10
    client = client_for(admin)
    expected = _queries(client, small.get_absolute_url())

    with django_assert_num_queries(expected):
        assert client.get(large.get_absolute_url()).status_code == 200


# --- programme edit ---------------------------------------------------------------------------


def _edit_url(programme) -> str:
    return reverse("teams:programme_edit", kwargs={"slug": programme.slug})


def test_facilitator_changes_programme_details(client_for, facilitator, programme_a) -> None:
    response = client_for(facilitator).post(
        _edit_url(programme_a),
        {"name": " Riverside Insights ", "place": "Riverside and Marsh", "introduction": "Hello"},
    )

    assert response.status_code == 302
    assert response["Location"] == programme_a.get_absolute_url()
    assert _messages(response) == ["The programme details have been saved."]
    programme_a.refresh_from_db()
    assert (programme_a.name, programme_a.place, programme_a.introduction) == (
        "Riverside Insights",
        "Riverside and Marsh",
        "Hello",
    )


def test_programme_edit_shows_errors(client_for, facilitator, programme_a) -> None:
    response = client_for(facilitator).post(
        _edit_url(programme_a), {"name": "   ", "place": "", "introduction": ""}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Enter the programme name" in page
    assert "Enter the place the programme serves" in page
    programme_a.refresh_from_db()
    assert programme_a.name == "Riverside Community Insights"


def test_analyst_may_not_change_programme_details(client_for, analyst, programme_a) -> None:
    response = client_for(analyst).post(
        _edit_url(programme_a), {"name": "Taken over", "place": "Elsewhere"}
    )

    assert response.status_code == 403
    programme_a.refresh_from_db()
    assert programme_a.name == "Riverside Community Insights"


def test_programme_edit_is_not_found_for_outsiders(client_for, outsider, programme_a) -> None:
    response = client_for(outsider).post(
        _edit_url(programme_a), {"name": "Taken over", "place": "Elsewhere"}
    )

    assert response.status_code == 404
    programme_a.refresh_from_db()
    assert programme_a.name == "Riverside Community Insights"


def test_programme_edit_refuses_other_methods(client_for, facilitator, programme_a) -> None:
    assert client_for(facilitator).delete(_edit_url(programme_a)).status_code == 405


def test_former_facilitator_may_not_change_programme(client_for, facilitator, programme_a) -> None:
    Membership.objects.filter(user=facilitator).update(ended_at=timezone.now())

    response = client_for(facilitator).get(_edit_url(programme_a))

    # Still in the Facilitator site group, but no longer on this team: the programme is hidden.
    assert response.status_code == 404


def test_organisation_kept_when_profile_form_picks_existing_name(client_for, vcs_partner) -> None:
    existing = OrganisationFactory(name="Hillside Tenants", verified=False)

    client_for(vcs_partner).post(
        reverse("teams:profile"),
        {"display_name": "Sam", "organisation": "", "new_organisation": "hillside tenants"},
    )

    vcs_partner.refresh_from_db()
    assert vcs_partner.organisation == existing
    assert Organisation.objects.filter(name__iexact="hillside tenants").count() == 1
