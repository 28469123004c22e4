"""Emails telling people what changed for them (teams.models.Notice). The builder claims the
notice before sending, so a task run twice sends once, and gives the claim back if sending fails,
so a retry can send it."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cip.emails import absolute_url, send_templated
from teams.models import Notice, Role, SiteGroup
from teams.roles import a_role, role_name

MFA_GROUPS = {SiteGroup.ADMIN.value, SiteGroup.FACILITATOR.value}
TEMPLATES = {
    Notice.Kind.TEAM_ROLE_ADDED: "teams/email/notice_team_role_added.txt",
    Notice.Kind.TEAM_ROLE_CHANGED: "teams/email/notice_team_role_changed.txt",
    Notice.Kind.TEAM_ROLE_ENDED: "teams/email/notice_team_role_ended.txt",
    Notice.Kind.SITE_ROLE_CHANGED: "teams/email/notice_site_role_changed.txt",
    Notice.Kind.ORGANISATION_CONFIRMED: "teams/email/notice_organisation_confirmed.txt",
}


def _role(value: str) -> dict[str, str]:
    if value in Role.values:
        return {"name": role_name(value), "with_article": a_role(value)}
    return {"name": value, "with_article": value}


def notice_email(*, notice_id: int) -> bool:
    """Email a person one change to their roles or organisation; False when it was sent already
    or their account is no longer active."""
    with transaction.atomic():
        claimed = Notice.objects.filter(pk=notice_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        notice = Notice.objects.select_related(
            "user", "programme", "organisation", "created_by"
        ).get(pk=notice_id)
        if not notice.user.is_active:
            return False
        programme = notice.programme
        context = {
            "notice": notice,
            "person": notice.user,
            "programme": programme,
            "role": _role(notice.role),
            "previous_role": _role(notice.previous_role),
            # Admins and facilitators must add a second factor (teams.rules.requires_mfa).
            "asks_for_mfa": bool(MFA_GROUPS & set(notice.role.split(", "))),
            "site_name": settings.SITE_NAME,
            "contact_email": settings.CONTACT_EMAIL,
            "dashboard_url": absolute_url(reverse("dashboard")),
            "team_url": absolute_url(programme.get_absolute_url()) if programme else "",
        }
        # Sending inside the transaction: if the mail server fails, the claim rolls back.
        send_templated(TEMPLATES[notice.kind], to=[notice.user.email], context=context)
    return True
