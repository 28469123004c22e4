import time
from datetime import UTC, datetime
from urllib.parse import quote

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import MultiFernet
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from cip.emails import absolute_url
from cip.keys import fernet
from teams.models import SiteGroup

RECOVERY_CODES_MESSAGE = "mfa/messages/recovery_codes_generated.txt"
FIRST_RECOVERY_CODES_MESSAGE = "mfa/messages/recovery_codes_first.txt"


class AccountAdapter(DefaultAccountAdapter):
    error_messages = DefaultAccountAdapter.error_messages | {
        "email_password_mismatch": "Enter the email address and password you registered with",
        "email_taken": "An account already uses this email address. Sign in, or reset your "
        "password if you have forgotten it",
        "enter_current_password": "Enter your current password",
        "incorrect_password": "The password is not correct",
        "incorrect_code": "The code is not correct. Enter the 6-digit code your app shows now",
        "too_many_login_attempts": "You have tried to sign in too many times. Wait a few "
        "minutes, then try again",
        "unknown_email": "No account uses this email address",
    }

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """One password step: someone who just signed in with their password and is setting up
        2-step verification for the first time (see cip.middleware.RequireMFAMiddleware) is not
        asked for it again, neither to add the app nor to see the recovery codes it gives."""
        if app == "allauth.mfa" and _first_set_up_after_fresh_sign_in(self.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        # allauth says "any codes you had before no longer work" whenever it makes recovery
        # codes; someone setting up their first authenticator never had any.
        if message_template == RECOVERY_CODES_MESSAGE and _is_first_set_up(request):
            message_template = FIRST_RECOVERY_CODES_MESSAGE
        return super().add_message(request, level, message_template, *args, **kwargs)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's emails, in our words (templates/account/email/): name the service and link
        to its public address, whatever host the request came in on."""
        context = {
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL.rstrip("/"),
            "contact_email": settings.CONTACT_EMAIL,
        } | context
        super().send_mail(template_prefix, email, context)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        # allauth's own key format: "<uidb36>-<token>" in place of both URL arguments.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))

    def save_user(self, request, user, form, commit=True):
        """People who sign up themselves are VCS partners; admins grant other roles."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user.groups.add(Group.objects.get(name=SiteGroup.VCS_PARTNER))
        return user


class MFAAdapter(DefaultMFAAdapter):
    """Keep TOTP secrets encrypted in the database, with the deployment's data key."""

    error_messages = DefaultMFAAdapter.error_messages | {
        "incorrect_code": "The code is not correct. Enter the 6-digit code your app shows now",
    }

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()


def _first_set_up_after_fresh_sign_in(request) -> bool:
    """Signed in with the password within the reauthentication timeout, and every authenticator
    they have was added since: they are in the middle of setting up their first one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    limit = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
    signed_in = [
        r["at"] for r in records if r.get("method") == "password" and r.get("at", 0) > limit
    ]
    if not signed_in:
        return False
    since = datetime.fromtimestamp(max(signed_in), tz=UTC)
    return not user.authenticator_set.filter(created_at__lt=since).exists()


def _is_first_set_up(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "mfa_activate_totp"


def _fernet() -> MultiFernet:
    return fernet()
