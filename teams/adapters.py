import time
from urllib.parse import quote

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from cip.emails import absolute_url
from teams.models import SiteGroup


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
        """Do not ask for the password again when someone who just signed in with it is made
        to set up their first authenticator (see cip.middleware.RequireMFAMiddleware)."""
        if app == "allauth.mfa" and _first_authenticator_after_fresh_sign_in(self.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

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


def _first_authenticator_after_fresh_sign_in(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.authenticator_set.exists():
        return False
    records = get_authentication_records(request, user)
    limit = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
    return any(r.get("method") == "password" and r.get("at", 0) > limit for r in records)


def _fernet() -> Fernet:
    return Fernet(settings.DATA_ENCRYPTION_KEY)
