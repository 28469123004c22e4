from django.contrib.auth.backends import BaseBackend

from teams.models import SiteGroup


class AdminGroupBackend(BaseBackend):
    """Members of the Admin site group manage everything in Django admin without being
    superusers, so the role is granted and withdrawn by group membership alone."""

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return self._is_admin(user_obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return self._is_admin(user_obj)

    @staticmethod
    def _is_admin(user) -> bool:
        return user.is_active and user.is_staff and user.in_group(SiteGroup.ADMIN)
