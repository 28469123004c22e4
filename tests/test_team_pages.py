"""The programme team: roles against the guide's estimates, adding and removing people, the ways
of working agreement with its history, and the getting-to-know-each-other page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from teams import services
from teams.models import Membership, Role, WaysOfWorking
from teams.roles import GUIDES, Range, a_role, summarise_team
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _url(name, programme, **kwargs):
    return reverse(f"teams:{name}", kwargs={"slug": programme.slug, **kwargs})


# --- rules: the guide's estimates ---------------------------------------------------------


def test_every_role_has_a_guide_and_only_complementary_roles_lack_estimates():
    assert set(GUIDES) == set(Role)
    for guide in GUIDES.values():
        assert (guide.days_per_project is None) == guide.complementary


def test_team_days_multiply_per_person_days_by_headcount():
    assert GUIDES[Role.DATA_ANALYST].team_days == Range(12, 48)
    assert GUIDES[Role.FACILITATOR].team_days == Range(18, 25)
    assert GUIDES[Role.INFORMATION_RIGHTS].team_days is None


@pytest.mark.parametrize(
    ("days", "status"),
    [
        ([], "Empty"),
        ([5], "Below estimate"),
        ([6, 6], "Within estimate"),
        ([30, 30], "Above estimate"),
    ],
)
def test_role_status_compares_committed_days_with_the_estimate(programme_a, days, status):
    for committed in days:
        MembershipFactory(programme=programme_a, role=Role.DATA_ANALYST, committed_days=committed)
    team = summarise_team(programme_a.memberships.active())
    (analysts,) = [s for s in team.roles if s.guide.role == Role.DATA_ANALYST]
    assert analysts.status == status
    assert analysts.committed_days == sum(days)


def test_summary_flags_empty_core_roles_but_not_complementary_ones(programme_a, facilitator):
    team = summarise_team(programme_a.memberships.active())
    empty = {s.guide.role for s in team.empty_core_roles}
    assert Role.FACILITATOR not in empty
    assert Role.DELIVERY_LEAD in empty
    assert not empty & {Role.INFORMATION_RIGHTS, Role.CONTRACTS_AND_LEGAL}
    assert {s.status for s in team.complementary} == {"As needed"}


# --- services ------------------------------------------------------------------------------


def test_a_person_cannot_hold_the_same_role_twice(programme_a):
    user = UserFactory()
    services.membership_add(
        programme=programme_a,
        user=user,
        role=Role.DATA_ANALYST,
        committed_days=8,
        listed_publicly=False,
        added_by=user,
    )
    with pytest.raises(ValidationError):
        services.membership_add(
            programme=programme_a,
            user=user,
            role=Role.DATA_ANALYST,
            committed_days=None,
            listed_publicly=False,
            added_by=user,
        )


def test_ending_a_membership_keeps_the_row_and_can_run_twice(programme_a):
    membership = MembershipFactory(programme=programme_a)
    services.membership_end(membership=membership)
    first_end = Membership.objects.get(pk=membership.pk).ended_at
    services.membership_end(membership=membership)
    assert first_end is not None
    assert Membership.objects.get(pk=membership.pk).ended_at == first_end
    assert not programme_a.memberships.active().filter(pk=membership.pk).exists()


# --- views ---------------------------------------------------------------------------------


def test_team_page_shows_roles_estimates_and_empty_roles(client_for, facilitator, programme_a):
    response = client_for(facilitator).get(_url("programme", programme_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert "18 to 25" in html  # the facilitator's days per project
    assert "Nobody holds 5 core roles yet" in html
    assert _url("member_add", programme_a) in html


def test_team_members_without_the_right_see_no_management_links(client_for, analyst, programme_a):
    html = client_for(analyst).get(_url("programme", programme_a)).content.decode()
    assert _url("member_add", programme_a) not in html


def test_facilitator_adds_someone_to_the_team(client_for, facilitator, programme_a):
    newcomer = UserFactory(email="new.analyst@example.org")
    response = client_for(facilitator).post(
        _url("member_add", programme_a),
        {"email": "New.Analyst@example.org", "role": Role.DATA_ANALYST, "committed_days": "8"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer, programme=programme_a)
    assert (membership.role, membership.committed_days) == (Role.DATA_ANALYST, 8)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "role": Role.DATA_ANALYST}, "Enter their email address"),
        ({"email": "nobody@example.org", "role": Role.DATA_ANALYST}, "Nobody has an account"),
        ({"email": "analyst@example.org"}, "Select their role"),
        ({"email": "analyst@example.org", "role": Role.DATA_ANALYST}, "already holds this role"),
        (
            {"email": "analyst@example.org", "role": Role.ADVISORY_PANEL, "committed_days": "x"},
            "Days must be a whole number",
        ),
    ],
)
def test_adding_explains_what_to_fix(client_for, facilitator, analyst, programme_a, data, message):
    before = Membership.objects.count()
    response = client_for(facilitator).post(_url("member_add", programme_a), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    assert Membership.objects.count() == before


def test_only_the_facilitator_manages_the_team(client_for, analyst, outsider, programme_a):
    assert client_for(analyst).get(_url("member_add", programme_a)).status_code == 403
    assert client_for(outsider).get(_url("member_add", programme_a)).status_code == 404
    anonymous = client_for(None).get(_url("member_add", programme_a))
    assert anonymous.status_code == 302
    assert reverse("account_login") in anonymous["Location"]


def test_facilitator_removes_someone_after_confirming(
    client_for, facilitator, analyst, programme_a
):
    membership = analyst.memberships.get(programme=programme_a)
    client = client_for(facilitator)
    url = _url("membership_end", programme_a, pk=membership.pk)
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Remove Analyst as a data scientist or analyst?" in confirm.content.decode()
    assert Membership.objects.get(pk=membership.pk).ended_at is None
    assert client.post(url).status_code == 302
    assert Membership.objects.get(pk=membership.pk).ended_at is not None
    # The former analyst no longer sees the programme.
    assert client_for(analyst).get(_url("programme", programme_a)).status_code == 404


def test_a_membership_of_another_programme_is_not_found(
    client_for, facilitator, outsider, programme_a
):
    other = outsider.memberships.get()
    url = _url("membership_end", programme_a, pk=other.pk)
    assert client_for(facilitator).post(url).status_code == 404
    assert Membership.objects.get(pk=other.pk).ended_at is None


def test_ways_of_working_are_edited_by_the_facilitator_with_history(
    client_for, facilitator, analyst, programme_a
):
    view_url = _url("ways_of_working", programme_a)
    assert "Not agreed yet" in client_for(analyst).get(view_url).content.decode()
    assert not WaysOfWorking.objects.exists()  # viewing writes nothing

    client = client_for(facilitator)
    data = {"meeting_frequency": "Every Tuesday at 10am", "channels": "Email and a Teams chat"}
    assert client.post(_url("ways_of_working_edit", programme_a), data).status_code == 302
    data["meeting_frequency"] = "Every other Tuesday"
    client.post(_url("ways_of_working_edit", programme_a), data)

    agreement = WaysOfWorking.objects.get(programme=programme_a)
    assert agreement.meeting_frequency == "Every other Tuesday"
    assert agreement.updated_by == facilitator
    html = client_for(analyst).get(view_url).content.decode()
    assert "Every other Tuesday" in html
    assert "Every Tuesday at 10am" in html  # the first version stays in the history
    assert html.count(str(facilitator)) >= 2


def test_team_members_cannot_change_the_agreement(client_for, analyst, outsider, programme_a):
    url = _url("ways_of_working_edit", programme_a)
    assert client_for(analyst).post(url, {"meeting_frequency": "Never"}).status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    assert not WaysOfWorking.objects.exists()


def test_introductions_show_each_member_once_with_all_roles(
    client_for, analyst, facilitator, programme_a
):
    analyst.introduction = "I look after the housing data."
    analyst.what_they_bring = "SQL and a good memory for ward boundaries"
    analyst.save()
    MembershipFactory(programme=programme_a, user=analyst, role=Role.ADVISORY_PANEL)
    html = client_for(facilitator).get(_url("introductions", programme_a)).content.decode()
    assert "I look after the housing data." in html
    assert "Data scientist or analyst, Advisory panel member" in html
    assert html.count('class="govuk-summary-card__title">Analyst<') == 1


def test_profile_saves_the_introduction(client_for, analyst):
    response = client_for(analyst).post(
        reverse("teams:profile"),
        {
            "display_name": "Ana Lyst",
            "organisation": analyst.organisation.pk,
            "introduction": "Data person.",
            "what_they_bring": "Python",
        },
    )
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert (analyst.introduction, analyst.what_they_bring) == ("Data person.", "Python")


@pytest.mark.parametrize("page", ["programme", "introductions"])
def test_team_pages_keep_a_constant_query_count(
    client_for, facilitator, programme_a, django_assert_max_num_queries, page
):
    client = client_for(facilitator)
    url = _url(page, programme_a)
    client.get(url)  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        MembershipFactory(programme=programme_a, role=Role.ADVISORY_PANEL, committed_days=4)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_changing_organisation_needs_an_admin_to_confirm_it_again(client_for, analyst):
    from teams.rules import belongs_to

    first = analyst.organisation
    assert belongs_to(analyst, first)
    client_for(analyst).post(
        reverse("teams:profile"),
        {"display_name": "Analyst", "new_organisation": "Another Council"},
    )
    analyst.refresh_from_db()
    assert analyst.organisation.name == "Another Council"
    assert not belongs_to(analyst, analyst.organisation)
    assert not belongs_to(analyst, first)


def test_signing_up_never_confirms_an_organisation(db):
    from teams.rules import belongs_to
    from tests.factories import OrganisationFactory

    council = OrganisationFactory(name="Riverside Council")
    claimant = UserFactory(organisation=council, organisation_confirmed=False)
    assert not belongs_to(claimant, council)


def test_facilitators_cannot_appoint_reviewers_or_facilitators(
    client_for, facilitator, programme_a
):
    url = _url("member_add", programme_a)
    form_page = client_for(facilitator).get(url).content.decode()
    assert 'value="information_rights"' not in form_page
    response = client_for(facilitator).post(
        url, {"email": "facilitator@example.org", "role": Role.INFORMATION_RIGHTS}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not facilitator.memberships.filter(role=Role.INFORMATION_RIGHTS).exists()


def test_admin_appoints_a_reviewer_but_not_the_facilitator_as_one(
    client_for, admin, facilitator, programme_a
):
    reviewer = UserFactory(email="new.reviewer@example.org")
    url = _url("member_add", programme_a)
    ok = client_for(admin).post(url, {"email": reviewer.email, "role": Role.INFORMATION_RIGHTS})
    assert ok.status_code == 302
    assert reviewer.memberships.filter(role=Role.INFORMATION_RIGHTS).exists()
    refused = client_for(admin).post(
        url, {"email": facilitator.email, "role": Role.INFORMATION_RIGHTS}
    )
    assert "cannot be both facilitator and information-rights reviewer" in (
        refused.content.decode()
    )


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.INFORMATION_RIGHTS])
def test_the_team_page_offers_only_the_roles_its_reader_can_add(
    client_for, facilitator, admin, programme_a, role
):
    add_link = f'{_url("member_add", programme_a)}?role={role.value}"'
    page = client_for(facilitator).get(_url("programme", programme_a)).content.decode()
    assert add_link not in page
    assert f"Only an admin can add {a_role(role)}: email" in page
    assert f'{_url("member_add", programme_a)}?role={Role.DELIVERY_LEAD.value}"' in page
    admin_page = client_for(admin).get(_url("programme", programme_a)).content.decode()
    assert add_link in admin_page
    assert "Only an admin can add" not in admin_page
