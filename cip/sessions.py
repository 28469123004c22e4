"""Session rules beside Django's own (OWASP ASVS 5.0, V7).

Django gives a new session id at sign-in, ends the session at sign-out, and stops honouring other
sessions once the password changes. Here: every session also has an absolute lifetime from
sign-in (`SESSION_ABSOLUTE_SECONDS`, beside the idle timeout; both enforced by
`cip.middleware.SessionLimitsMiddleware`), and an account's sessions are deleted outright when it
is deactivated, and its other sessions when its password or second factor changes, so none can
come back (a deactivated account that is reactivated does not revive its old sessions).
"""

from __future__ import annotations

import time

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

SIGNED_IN_AT = "cip_signed_in_at"
# The idle timeout is pushed back by saving the session, a database write, so it is saved for
# that at most once a minute: a session then ends after between 29 and 30 idle minutes.
REFRESHED_AT = "cip_refreshed_at"
REFRESH_SECONDS = 60


@receiver(user_logged_in, dispatch_uid="cip_sessions_record_sign_in")
def record_sign_in(sender, request, user, **kwargs) -> None:
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[REFRESHED_AT] = now  # the session is saved as it signs in


def lifetime_over(session: SessionBase) -> bool:
    """True once a signed-in session is older than its absolute lifetime (or says nothing of
    when it began)."""
    signed_in_at = session.get(SIGNED_IN_AT)
    return signed_in_at is None or time.time() - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS


def keep_alive(session: SessionBase) -> None:
    """Mark a session in use to be saved (so its idle timeout starts again) when it was last
    refreshed over REFRESH_SECONDS ago. A session changed by the request is saved anyway."""
    now = int(time.time())
    if now - session.get(REFRESHED_AT, 0) >= REFRESH_SECONDS:
        session[REFRESHED_AT] = now


def end_sessions_of(user, *, keep: str | None = None) -> int:
    """Delete every live session signed in as `user`, except the one keyed `keep`; return how
    many. Sessions are stored by key alone, so each live one is decoded to find its account."""
    user_id = str(user.pk)
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.session_key != keep and session.get_decoded().get(SESSION_KEY) == user_id
    ]
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="cip_sessions_deactivation")
def end_sessions_on_deactivation(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None or instance.is_active:
        return
    if sender._base_manager.filter(pk=instance.pk, is_active=True).exists():
        end_sessions_of(instance)


@receiver(password_changed, dispatch_uid="cip_sessions_password_changed")
@receiver(password_set, dispatch_uid="cip_sessions_password_set")
@receiver(password_reset, dispatch_uid="cip_sessions_password_reset")
@receiver(authenticator_added, dispatch_uid="cip_sessions_authenticator_added")
@receiver(authenticator_removed, dispatch_uid="cip_sessions_authenticator_removed")
@receiver(authenticator_reset, dispatch_uid="cip_sessions_authenticator_reset")
def end_other_sessions(sender, request, user, **kwargs) -> None:
    """A changed password or second factor ends every other session of the account; the one it
    was changed in carries on under a new id."""
    session = getattr(request, "session", None)
    signed_in_here = session is not None and session.get(SESSION_KEY) == str(user.pk)
    end_sessions_of(user, keep=session.session_key if signed_in_here else None)
    if signed_in_here:
        session.cycle_key()
