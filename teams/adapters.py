from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import Group

from teams.models import SiteGroup


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """People who sign up themselves are VCS partners; admins grant other roles."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user.groups.add(Group.objects.get(name=SiteGroup.VCS_PARTNER))
        return user
