from django.http import HttpRequest

from cip.access import get_for_user
from teams.models import Programme


def get_programme_for_user(request: HttpRequest, slug: str, perm: str) -> Programme:
    """The programme at `slug`: 404 unless on its team (or an admin), 403 without `perm`."""
    return get_for_user(
        request, Programme, view_perm="teams.access_programme", perm=perm, slug=slug
    )
