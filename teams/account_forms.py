"""allauth's sign-in, sign-up, password and MFA forms with GOV.UK error messages.

Kept apart from teams/forms.py, which allauth imports while building its own forms.
"""

from allauth.account import forms as account
from allauth.mfa.base import forms as mfa_base
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import forms as mfa_totp
from allauth.mfa.totp.internal.auth import validate_totp_code
from allauth.mfa.utils import decrypt
from django.core.cache import cache
from django.core.exceptions import ValidationError

JUST_USED = "This code has just been used: wait for the next one"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org"

# Field name -> the error shown when it is left empty.
REQUIRED = {
    "login": "Enter your email address",
    "email": "Enter your email address",
    "password": "Enter your password",
    "password1": "Enter a password",
    "password2": "Enter your new password again",
    "oldpassword": "Enter your current password",
    "code": "Enter the 6-digit code from your authenticator app",
}


class GovukErrorsMixin:
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in REQUIRED:
                field.error_messages["required"] = REQUIRED[name]
            if name in {"login", "email"}:
                field.error_messages["invalid"] = EMAIL_FORMAT


class LoginForm(GovukErrorsMixin, account.LoginForm):
    pass


class SignupForm(GovukErrorsMixin, account.SignupForm):
    # The order of the page (templates/account/signup.html), so the error summary follows it.
    PAGE_ORDER = ["display_name", "email", "organisation", "new_organisation", "password1"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields([*self.PAGE_ORDER, "password2"])


class AddEmailForm(GovukErrorsMixin, account.AddEmailForm):
    pass


class ChangePasswordForm(GovukErrorsMixin, account.ChangePasswordForm):
    pass


class SetPasswordForm(GovukErrorsMixin, account.SetPasswordForm):
    pass


class ResetPasswordForm(GovukErrorsMixin, account.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(GovukErrorsMixin, account.ResetPasswordKeyForm):
    pass


class ReauthenticateForm(GovukErrorsMixin, account.ReauthenticateForm):
    pass


class SaysWhenACodeWasJustUsed:
    """A code is accepted once: entered again within its 30 seconds (a double press, a second
    tab), say so rather than that it is wrong."""

    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except ValidationError:
            if _just_used(self.user, self.cleaned_data.get("code", "")):
                raise ValidationError(JUST_USED, code="code_just_used") from None
            raise


def _just_used(user, code: str) -> bool:
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None or not code:
        return False
    totp = authenticator.wrap()
    if not validate_totp_code(decrypt(authenticator.data["secret"]), code):
        return False
    # allauth marks a code used with a cache entry that lasts one period (TOTP._mark_code_used).
    return cache.get(totp._get_used_cache_key(code)) is not None


class AuthenticateForm(GovukErrorsMixin, SaysWhenACodeWasJustUsed, mfa_base.AuthenticateForm):
    pass


class MFAReauthenticateForm(
    GovukErrorsMixin, SaysWhenACodeWasJustUsed, mfa_base.ReauthenticateForm
):
    pass


class ActivateTOTPForm(GovukErrorsMixin, mfa_totp.ActivateTOTPForm):
    pass
