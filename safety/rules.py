"""Who may do what with datasets. Views ask these through `get_for_user`; templates ask them too.

The raw file is for the organisation that owns it. The programme's information-rights reviewer
reads the report and chooses remedies; its data analysts read the report and take the redacted
copy. Others on the programme team get 403; everyone else 404.
"""

from __future__ import annotations

import rules

from teams.models import Role
from teams.rules import _active_roles, is_admin, is_programme_member

# Programme roles that may open a dataset on one of the programme's projects.
DATASET_ROLES = (Role.INFORMATION_RIGHTS, Role.DATA_ANALYST)


def _programme_of(obj):
    source = getattr(obj, "data_source", obj)
    idea = getattr(source, "idea", None)
    return idea.programme if idea is not None else None


@rules.predicate
def is_owner_member(user, obj) -> bool:
    """An admin has confirmed the user works for the organisation that owns the data."""
    owner_id = getattr(obj, "owner_id", None)
    return (
        user.is_authenticated
        and owner_id is not None
        and user.organisation_confirmed
        and user.organisation_id == owner_id
    )


def _has_role(user, obj, role: str) -> bool:
    programme = _programme_of(obj)
    return (
        user.is_authenticated and programme is not None and role in _active_roles(user, programme)
    )


@rules.predicate
def is_dataset_reviewer(user, obj) -> bool:
    return _has_role(user, obj, Role.INFORMATION_RIGHTS)


@rules.predicate
def is_dataset_analyst(user, obj) -> bool:
    return _has_role(user, obj, Role.DATA_ANALYST)


@rules.predicate
def is_on_programme(user, obj) -> bool:
    programme = _programme_of(obj)
    return programme is not None and is_programme_member(user, programme)


# Data sources: the programme's team and the owner know of them; only the owner uploads.
rules.add_perm("safety.view_data_source", is_on_programme | is_owner_member | is_admin)
rules.add_perm("safety.upload_dataset", is_owner_member)

# Datasets. (Names avoid Django's own model permissions, such as safety.view_dataset, which
# the admin asks without an object.)
rules.add_perm("safety.view_datasets", rules.is_authenticated)
rules.add_perm("safety.know_dataset", is_on_programme | is_owner_member | is_admin)
rules.add_perm(
    "safety.open_dataset", is_owner_member | is_dataset_reviewer | is_dataset_analyst | is_admin
)
rules.add_perm("safety.choose_sheet", is_owner_member)
rules.add_perm("safety.choose_remedies", is_dataset_reviewer | is_admin)
rules.add_perm("safety.download_raw", is_owner_member)
rules.add_perm(
    "safety.download_redacted", is_owner_member | is_dataset_reviewer | is_dataset_analyst
)
