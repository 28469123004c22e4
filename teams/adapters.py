from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth.models import Group

from teams.models import SiteGroup


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """People who sign up themselves are VCS partners; admins grant other roles."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user.groups.add(Group.objects.get(name=SiteGroup.VCS_PARTNER))
        return user


class MFAAdapter(DefaultMFAAdapter):
    """Keep TOTP secrets encrypted in the database, with the deployment's data key."""

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()


def _fernet() -> Fernet:
    return Fernet(settings.DATA_ENCRYPTION_KEY)
