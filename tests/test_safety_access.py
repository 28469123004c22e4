"""Who may see which data: every persona against the original file, the redacted copy, the
signed agreement and the evidence pack, before and after each check is approved and after the
agreement expires (safety/rules.py). Also: the analyst role alone opens nothing, and everyone
who may download data must use a second factor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from projects.models import ProjectMember
from safety.demo import approved_check
from safety.models import Dataset, SharingAgreement, Stage
from teams.models import Membership, Role
from tests.dataset_helpers import approve_evaluation, data_source, signed_agreement, stored_dataset
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, give_totp

pytestmark = pytest.mark.django_db

STATES = (
    "before",
    "evaluation approved",
    "solution approved",
    "all approved",
    "agreement expired",
)
PERSONAS = (
    "owner",  # a member of the organisation that owns the data
    "project_member",  # another organisation's person on the project's team
    "named_analyst",
    "other_analyst",  # an analyst on the programme, not named on the check
    "reviewer",
    "facilitator",
    "admin",
    "outsider",  # on another programme
    "anonymous",
)
RESOURCES = ("raw", "redacted", "agreement", "evidence pack")
LOGIN = "sign in"

# What each persona gets (status code, or LOGIN) in each state; 403 after expiry is the page
# that says the agreement has lapsed.
EXPECTED = {
    "raw": {
        "owner": (200, 200, 200, 200, 403),
        "project_member": (403, 403, 403, 403, 403),
        "named_analyst": (403, 200, 200, 200, 403),
        "other_analyst": (403,) * 5,
        "reviewer": (403,) * 5,
        "facilitator": (403,) * 5,
        "admin": (403,) * 5,
        "outsider": (404,) * 5,
        "anonymous": (LOGIN,) * 5,
    },
    "redacted": {
        "owner": (200, 200, 200, 200, 403),
        "project_member": (403, 200, 200, 200, 403),
        "named_analyst": (403, 200, 200, 200, 403),
        "other_analyst": (403,) * 5,
        "reviewer": (403,) * 5,
        "facilitator": (403,) * 5,
        "admin": (403,) * 5,
        "outsider": (404,) * 5,
        "anonymous": (LOGIN,) * 5,
    },
    # The parties and the register's keepers; expiry does not stop reading the agreement.
    "agreement": {
        "owner": (200,) * 5,
        "project_member": (404,) * 5,
        "named_analyst": (403,) * 5,
        "other_analyst": (403,) * 5,
        "reviewer": (200,) * 5,
        "facilitator": (403,) * 5,
        "admin": (403,) * 5,
        "outsider": (404,) * 5,
        "anonymous": (LOGIN,) * 5,
    },
    # The programme's team, the data owner and admins.
    "evidence pack": {
        "owner": (200,) * 5,
        "project_member": (404,) * 5,
        "named_analyst": (200,) * 5,
        "other_analyst": (200,) * 5,
        "reviewer": (200,) * 5,
        "facilitator": (200,) * 5,
        "admin": (200,) * 5,
        "outsider": (404,) * 5,
        "anonymous": (LOGIN,) * 5,
    },
}


@pytest.fixture
def world(programme_a, team_member, analyst, reviewer, facilitator, admin, outsider, tmp_path):
    source = data_source(programme_a, owner=team_member.organisation)
    dataset = stored_dataset(source, tmp_path, uploader=team_member)
    agreement = signed_agreement(source)
    other_analyst = UserFactory(email="other.analyst@example.org")
    MembershipFactory(programme=programme_a, user=other_analyst, role=Role.DATA_ANALYST)
    project_member = UserFactory(
        email="partner@council.example", organisation=OrganisationFactory(name="Council")
    )
    ProjectMember.objects.create(
        project=source.idea.project,
        user=project_member,
        name="Pat Partner",
        email=project_member.email,
        role="Subject-matter expert",
        expectations="Read the findings",
    )
    for user in (other_analyst, project_member):
        give_totp(user)
    people = {
        "owner": team_member,
        "project_member": project_member,
        "named_analyst": analyst,
        "other_analyst": other_analyst,
        "reviewer": reviewer,
        "facilitator": facilitator,
        "admin": admin,
        "outsider": outsider,
        "anonymous": None,
    }
    return source, dataset, agreement, people


def _arrange(state: str, source, agreement, analyst) -> None:
    if state == "before":
        return
    approve_evaluation(source, analyst)
    if state == "evaluation approved":
        return
    approved_check(source.idea, Stage.SOLUTION)
    if state == "solution approved":
        return
    approved_check(source.idea, Stage.PRE_PUBLICATION)
    if state == "agreement expired":
        today = timezone.localdate()
        SharingAgreement.objects.filter(pk=agreement.pk).update(
            review_date=today - timedelta(days=10), end_date=today - timedelta(days=1)
        )


def _urls(dataset: Dataset, agreement: SharingAgreement) -> dict[str, str]:
    return {
        "raw": reverse("safety:dataset_download_raw", args=[dataset.pk]),
        "redacted": reverse("safety:dataset_download_redacted", args=[dataset.pk]),
        "agreement": reverse("safety:agreement_download", args=[agreement.pk]),
        "evidence pack": reverse("safety:evidence_pack", args=[dataset.data_source.idea_id]),
    }


def _outcome(response) -> int | str:
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("state", STATES)
def test_who_may_see_which_data(state, world, client_for):
    source, dataset, agreement, people = world
    _arrange(state, source, agreement, people["named_analyst"])
    urls = _urls(dataset, agreement)
    column = STATES.index(state)

    actual = {
        (resource, who): _outcome(client_for(user).get(urls[resource]))
        for resource in RESOURCES
        for who, user in people.items()
    }
    expected = {
        (resource, who): EXPECTED[resource][who][column]
        for resource in RESOURCES
        for who in PERSONAS
    }
    assert actual == expected


def test_after_expiry_the_owner_is_told_why(world, client_for):
    source, dataset, agreement, people = world
    _arrange("agreement expired", source, agreement, people["named_analyst"])
    owner = client_for(people["owner"])

    for url in (
        reverse("safety:dataset_download_raw", args=[dataset.pk]),
        reverse("safety:dataset_upload", args=[source.pk]),
    ):
        response = owner.get(url)
        assert response.status_code == 403
        assert "has expired or ended" in response.content.decode()
    # A post is refused the same way: nothing is read or logged.
    owner.post(reverse("safety:dataset_download_raw", args=[dataset.pk]), {"purpose": "Checking"})
    assert not dataset.accesses.exists()

    # Renewed: a new end date in the future opens the data again.
    SharingAgreement.objects.filter(pk=agreement.pk).update(
        end_date=timezone.localdate() + timedelta(days=100)
    )
    assert owner.get(reverse("safety:dataset_download_raw", args=[dataset.pk])).status_code == 200


def test_the_analyst_role_alone_opens_no_data(
    programme_a, facilitator, staff, team_member, client_for, tmp_path
):
    """A facilitator may give anyone the analyst role without an admin: that opens nothing."""
    source = data_source(programme_a, owner=team_member.organisation)
    dataset = stored_dataset(source, tmp_path, uploader=team_member)
    signed_agreement(source)
    give_totp(staff)

    response = client_for(facilitator).post(
        reverse("teams:member_add", args=[programme_a.slug]),
        {"email": staff.email, "role": Role.DATA_ANALYST},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=staff, role=Role.DATA_ANALYST).exists()

    client = client_for(staff)
    for name in (
        "dataset_report",
        "dataset_progress",
        "dataset_download_raw",
        "dataset_download_redacted",
    ):
        assert client.get(reverse(f"safety:{name}", args=[dataset.pk])).status_code == 403
    assert not Dataset.objects.visible_to(staff).exists()


def test_every_role_change_is_in_the_audit_log(programme_a, facilitator, staff, client_for):
    client = client_for(facilitator)
    client.post(
        reverse("teams:member_add", args=[programme_a.slug]),
        {"email": staff.email, "role": Role.DATA_ANALYST},
    )
    membership = Membership.objects.get(user=staff, role=Role.DATA_ANALYST)
    client.post(reverse("teams:membership_end", args=[programme_a.slug, membership.pk]))

    entries = LogEntry.objects.get_for_object(membership).order_by("timestamp")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert {e.actor for e in entries} == {facilitator}
    assert "ended_at" in entries[1].changes_dict


@pytest.mark.parametrize(
    "who", ["owner member", "analyst role", "named on a check", "project member", "party"]
)
def test_everyone_who_may_download_data_must_use_mfa(who, programme_a, client_for):
    user = UserFactory(email="downloader@example.org")
    source = data_source(programme_a)
    if who == "owner member":
        user.organisation = source.owner
        user.save()
    elif who == "analyst role":
        MembershipFactory(programme=programme_a, user=user, role=Role.DATA_ANALYST)
    elif who == "named on a check":
        approve_evaluation(source, user)
    elif who == "project member":
        ProjectMember.objects.create(
            project=source.idea.project,
            user=user,
            name="P",
            email=user.email,
            role="R",
            expectations="E",
        )
    else:
        signed_agreement(source).parties.add(user.organisation)

    response = client_for(user).get(reverse("dashboard"))

    assert response["Location"] == reverse("mfa_activate_totp")


def test_a_data_owner_off_the_team_is_not_sent_to_agreements_they_cannot_open(
    programme_a, vcs_partner, client_for
) -> None:
    # The partner's organisation proposed the idea and owns one of its sources, so it sees the
    # project and its checks; but the register of agreements is the team's, and an agreement
    # between other organisations is not theirs to read.
    theirs = data_source(programme_a, owner=vcs_partner.organisation)
    idea = theirs.idea
    idea.proposing_organisation = vcs_partner.organisation
    idea.save()
    give_totp(vcs_partner)
    other = data_source_named(idea, "Council tax support", OrganisationFactory(name="Council"))
    mine, not_mine = signed_agreement(theirs), signed_agreement(other)
    client = client_for(vcs_partner)

    project_page = client.get(reverse("projects:project", args=[idea.project.pk]))
    assert project_page.status_code == 200
    register = reverse("safety:agreement_list", args=[programme_a.slug])
    assert register not in project_page.content.decode()
    assert client.get(register).status_code == 404

    checks = client.get(reverse("safety:idea_checks", args=[idea.pk])).content.decode()
    assert not_mine.title in checks and not_mine.get_absolute_url() not in checks
    assert mine.get_absolute_url() in checks
    assert client.get(not_mine.get_absolute_url()).status_code == 404
    assert client.get(mine.get_absolute_url()).status_code == 200


def data_source_named(idea, name, owner):
    from safety.models import DataSource  # noqa: PLC0415

    return DataSource.objects.create(
        idea=idea, name=name, kind=DataSource.Kind.INFORMAL_TOOL, owner=owner
    )
