"""allauth's sign-in, sign-up, password and MFA forms with GOV.UK error messages.

Kept apart from teams/forms.py, which allauth imports while building its own forms.
"""

from allauth.account import forms as account
from allauth.mfa.base import forms as mfa_base
from allauth.mfa.totp import forms as mfa_totp

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
    pass


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


class AuthenticateForm(GovukErrorsMixin, mfa_base.AuthenticateForm):
    pass


class MFAReauthenticateForm(GovukErrorsMixin, mfa_base.ReauthenticateForm):
    pass


class ActivateTOTPForm(GovukErrorsMixin, mfa_totp.ActivateTOTPForm):
    pass
