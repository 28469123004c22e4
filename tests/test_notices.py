"""People are told what changed for them: added to a programme's core team or a project team, a
role changed or ended, their site role changed, their organisation confirmed. Each email goes
once, from a task, to that person and nobody else (teams/emails.py, teams/services.py)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.forms import CheckboxInput, MultiWidget
from django.urls import reverse

from projects.selection import project_member_invite
from projects.tasks import email_project_member
from teams.models import Membership, Notice, Role, SiteGroup
from teams.tasks import email_notice
from tests.factories import UserFactory
from tests.selection_helpers import selected


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run what a request queued after commit (the email tasks run in-process in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def newcomer(db):
    return UserFactory(email="newcomer@example.org", display_name="Nadia Newcomer")


def only_email_to(person) -> mail.EmailMessage:
    """The one email sent, checked to have gone to `person` only."""
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    (message,) = mail.outbox
    assert message.to == [person.email] and not message.cc and not message.bcc
    return message


def sent_once(notice: Notice) -> None:
    assert notice.emailed_at is not None
    mail.outbox.clear()
    assert email_notice(notice.pk) is False  # the task run again sends nothing
    assert mail.outbox == []


def test_added_to_a_core_team(facilitator, newcomer, programme_a, client_for, send, settings):
    client = client_for(facilitator)
    mail.outbox.clear()
    with send():
        response = client.post(
            reverse("teams:member_add", args=[programme_a.slug]),
            {"email": newcomer.email, "role": Role.ADVISORY_PANEL},
        )
    assert response.status_code == 302
    message = only_email_to(newcomer)
    assert message.subject == f"You are on the {programme_a.name} team"
    assert "has added you to the Riverside Community Insights team as an advisory panel member" in (
        message.body.replace("\n", " ")
    )
    assert settings.SITE_URL + programme_a.get_absolute_url() in message.body
    sent_once(Notice.objects.get(user=newcomer))


def test_taken_off_a_core_team(facilitator, analyst, programme_a, client_for, send) -> None:
    membership = Membership.objects.get(user=analyst, programme=programme_a)
    mail.outbox.clear()
    with send():
        client_for(facilitator).post(
            reverse("teams:membership_end", args=[programme_a.slug, membership.pk])
        )
    message = only_email_to(analyst)
    assert "You are no longer a data scientist or analyst on the" in message.subject
    sent_once(Notice.objects.get(user=analyst, kind=Notice.Kind.TEAM_ROLE_ENDED))


def test_nobody_is_told_about_a_change_they_made_themselves(admin, programme_a, send) -> None:
    from teams.services import membership_add  # noqa: PLC0415

    mail.outbox.clear()
    with send():
        membership_add(
            programme=programme_a,
            user=admin,
            role=Role.DELIVERY_LEAD,
            committed_days=None,
            listed_publicly=False,
            added_by=admin,
        )
    assert mail.outbox == []
    assert not Notice.objects.exists()


def test_a_deactivated_account_gets_nothing(facilitator, newcomer, programme_a, client_for, send):
    with send():
        client_for(facilitator).post(
            reverse("teams:member_add", args=[programme_a.slug]),
            {"email": newcomer.email, "role": Role.ADVISORY_PANEL},
        )
    notice = Notice.objects.get(user=newcomer)
    notice.emailed_at = None
    notice.save()
    newcomer.is_active = False
    newcomer.save()
    mail.outbox.clear()
    assert email_notice(notice.pk) is False
    assert mail.outbox == []


def test_invited_to_a_project_team(facilitator, vcs_partner, programme_a, send) -> None:
    project = selected(programme_a)
    mail.outbox.clear()
    with send():
        member = project_member_invite(
            project=project,
            invited_by=facilitator,
            name="Vic Partner",
            email=vcs_partner.email,
            role="Someone who knows the data",
            expectations="Two hours a week.",
            listed_publicly=False,
        )
    message = only_email_to(vcs_partner)
    assert project.idea.title in message.subject
    mail.outbox.clear()
    assert email_project_member(member.pk) is False
    assert mail.outbox == []


# --- Changes an admin makes in Django admin ------------------------------------------------------


def admin_form_data(response) -> dict:
    """What the admin change page would post back unchanged: its form and inline formsets."""
    data: dict = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += formset.forms
        management = formset.management_form
        data |= {management[name].html_name: management[name].value() for name in management.fields}
    for form in forms:
        for bound in form:
            widget, value = bound.field.widget, bound.value()
            if isinstance(widget, MultiWidget):
                parts = widget.decompress(value) if not isinstance(value, list) else value
                for index, part in enumerate(parts):
                    data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
            elif isinstance(widget, CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(getattr(v, "pk", v)) for v in value]
            elif isinstance(value, datetime):
                data[bound.html_name] = value.isoformat()
            elif value is not None:
                data[bound.html_name] = str(getattr(value, "pk", value))
    return data


def test_an_admin_changes_a_role_in_django_admin(admin, analyst, programme_a, client_for, send):
    membership = Membership.objects.get(user=analyst, programme=programme_a)
    url = reverse("admin:teams_membership_change", args=[membership.pk])
    client = client_for(admin)
    data = admin_form_data(client.get(url)) | {"role": Role.DELIVERY_LEAD}
    mail.outbox.clear()
    with send():
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    message = only_email_to(analyst)
    assert "You are now a delivery lead on the Riverside Community Insights team" in message.body
    assert "You were a data scientist or analyst" in message.body
    # Saving it again unchanged tells nobody anything.
    mail.outbox.clear()
    with send():
        client.post(url, admin_form_data(client.get(url)))
    assert mail.outbox == []


def test_an_admin_changes_someones_site_role(admin, staff, client_for, send) -> None:
    url = reverse("admin:teams_user_change", args=[staff.pk])
    client = client_for(admin)
    data = admin_form_data(client.get(url))
    data["groups"] = [str(Group.objects.get(name=SiteGroup.FACILITATOR).pk)]
    mail.outbox.clear()
    with send():
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    message = only_email_to(staff)
    assert "Your roles now: Facilitator" in message.body and "Before: Staff" in message.body
    assert "2-step verification" in message.body
    mail.outbox.clear()
    with send():
        client.post(url, admin_form_data(client.get(url)))
    assert mail.outbox == []


def test_an_admin_confirms_where_someone_works(admin, newcomer, client_for, send) -> None:
    newcomer.organisation_confirmed = False
    newcomer.save()
    other = UserFactory(email="other@example.org", organisation_confirmed=False)
    mail.outbox.clear()
    with send():
        response = client_for(admin).post(
            reverse("admin:teams_user_changelist"),
            {"action": "confirm_organisation", "_selected_action": [newcomer.pk]},
        )
    assert response.status_code == 302
    message = only_email_to(newcomer)
    assert message.subject == f"We have confirmed you work for {newcomer.organisation}"
    other.refresh_from_db()
    assert not other.organisation_confirmed
    notice = Notice.objects.get(user=newcomer)
    sent_once(notice)
    # Confirming again (the action, or ticking the box on the form) sends nothing more.
    with send():
        client_for(admin).post(
            reverse("admin:teams_user_changelist"),
            {"action": "confirm_organisation", "_selected_action": [newcomer.pk]},
        )
    assert mail.outbox == []


def test_ticking_the_confirmation_box_in_django_admin_tells_them(admin, newcomer, client_for, send):
    newcomer.organisation_confirmed = False
    newcomer.save()
    url = reverse("admin:teams_user_change", args=[newcomer.pk])
    client = client_for(admin)
    data = admin_form_data(client.get(url)) | {"organisation_confirmed": "on"}
    mail.outbox.clear()
    with send():
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "We have confirmed you work for" in only_email_to(newcomer).subject
