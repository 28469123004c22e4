"""Who may see which data, and who decides. Views ask these through their access helpers;
templates ask them too.

- Raw file: members of the organisation that owns it, and the analysts named on the approved
  evaluation check of its data source while a signed sharing agreement covers it. Nobody else:
  not facilitators, not admins.
- Redacted copy: once the evaluation check is approved, the project team: the analysts it names
  and the people on the project's team (registered by the project app, see safety.extensions),
  and the owning organisation.
- When a sharing agreement that covered the data expires or ends, and none is in force, nobody
  uploads or downloads it until it is renewed.
- A check is signed off by someone with the information-rights role who did not write it and,
  for a data source, is neither from the owning organisation nor its uploader. Remedies follow
  the same separation.
- The access log on a dataset's page is for the data owner and the reviewers.

The rules are asked with `rules.has_perm`, never `user.has_perm`, which lets superusers through.
"""

from __future__ import annotations

import rules
from django.utils import timezone

from safety import extensions
from safety.models import (
    APPROVED_OUTCOMES,
    CheckCondition,
    Dataset,
    SafetyCheck,
    SharingAgreement,
    Stage,
)
from scoping.models import DataSource
from teams.models import Programme, Role
from teams.rules import _active_roles, is_admin, is_programme_member

# Roles that keep the programme's sharing agreement register.
AGREEMENT_ROLES = (Role.INFORMATION_RIGHTS, Role.CONTRACTS_AND_LEGAL)


def _source(obj) -> DataSource | None:
    if isinstance(obj, DataSource):
        return obj
    return getattr(obj, "data_source", None)


def _idea(obj):
    if isinstance(obj, CheckCondition):
        return obj.safety_check.idea
    source = _source(obj)
    if source is not None:
        return source.idea
    return getattr(obj, "idea", obj)


def _programme_of(obj):
    if isinstance(obj, Programme):
        return obj
    if isinstance(obj, SharingAgreement):
        return obj.programme
    idea = _idea(obj)
    return getattr(idea, "programme", None)


def _memo(obj, name: str, compute):
    """Cache a per-object answer for the request (the same object is asked many times)."""
    store = obj.__dict__.setdefault("_safety_memo", {})
    if name not in store:
        store[name] = compute()
    return store[name]


def _confirmed_org(user) -> int | None:
    return user.organisation_id if user.is_authenticated and user.organisation_confirmed else None


# --- About the data ---------------------------------------------------------------------------


@rules.predicate
def is_owner_member(user, obj) -> bool:
    """An admin has confirmed the user works for the organisation that owns the data."""
    owner_id = getattr(obj, "owner_id", None)
    return owner_id is not None and _confirmed_org(user) == owner_id


@rules.predicate
def is_uploader(user, obj) -> bool:
    return (
        isinstance(obj, Dataset) and user.is_authenticated and obj.uploaded_by_id == user.pk
    ) or (
        isinstance(obj, DataSource)
        and user.is_authenticated
        and obj.datasets.filter(uploaded_by=user).exists()
    )


def _approved_evaluation(obj) -> SafetyCheck | None:
    source = _source(obj)
    if source is None:
        return None
    return _memo(
        source,
        "evaluation",
        lambda: (
            SafetyCheck.objects.approved()
            .filter(stage=Stage.EVALUATION, data_source=source)
            .first()
        ),
    )


def _agreements(source: DataSource) -> list[SharingAgreement]:
    return _memo(source, "agreements", lambda: list(source.sharing_agreements.all()))


@rules.predicate
def agreement_in_force(user, obj) -> bool:
    source = _source(obj)
    return source is not None and any(a.is_in_force() for a in _agreements(source))


@rules.predicate
def agreement_lapsed(user, obj) -> bool:
    """An agreement covered the data and has expired or ended, and none is in force now."""
    source = _source(obj)
    if source is None:
        return False
    agreements = _agreements(source)
    ended = (SharingAgreement.Status.EXPIRED, SharingAgreement.Status.ENDED)
    today = timezone.localdate()
    return any(a.current_status(today) in ended for a in agreements) and not any(
        a.is_in_force(today) for a in agreements
    )


@rules.predicate
def evaluation_approved(user, obj) -> bool:
    return _approved_evaluation(obj) is not None


@rules.predicate
def is_named_analyst(user, obj) -> bool:
    """Named on the approved evaluation check of the data source."""
    check = _approved_evaluation(obj)
    if check is None or not user.is_authenticated:
        return False
    return _memo(check, f"named:{user.pk}", lambda: check.analysts.filter(pk=user.pk).exists())


@rules.predicate
def is_project_team(user, obj) -> bool:
    idea = _idea(obj)
    return idea is not None and idea.pk in extensions.team_idea_ids(user)


def _has_role(user, obj, *roles: str) -> bool:
    programme = _programme_of(obj)
    return (
        user.is_authenticated
        and programme is not None
        and bool(set(roles) & _active_roles(user, programme))
    )


@rules.predicate
def is_dataset_reviewer(user, obj) -> bool:
    return _has_role(user, obj, Role.INFORMATION_RIGHTS)


@rules.predicate
def is_on_programme(user, obj) -> bool:
    programme = _programme_of(obj)
    return programme is not None and is_programme_member(user, programme)


@rules.predicate
def owns_a_source(user, obj) -> bool:
    """The user's organisation owns one of the idea's data sources."""
    org = _confirmed_org(user)
    idea = _idea(obj)
    return (
        org is not None
        and idea is not None
        and _memo(idea, f"owns:{org}", lambda: idea.data_sources.filter(owner_id=org).exists())
    )


reads_raw = is_owner_member | (is_named_analyst & agreement_in_force)
reads_redacted = is_owner_member | (evaluation_approved & (is_named_analyst | is_project_team))
owning_side = is_owner_member | is_uploader

# Data sources: the programme's team and the owner know of them; only the owner uploads (and
# not while the agreement that covered the data has lapsed: the upload page says so).
rules.add_perm("safety.view_data_source", is_on_programme | is_owner_member | is_admin)
rules.add_perm("safety.upload_dataset", is_owner_member)

# Datasets. (Names avoid Django's own model permissions, such as safety.view_dataset, which
# the admin asks without an object.)
rules.add_perm("safety.view_datasets", rules.is_authenticated)
rules.add_perm(
    "safety.know_dataset", is_on_programme | is_owner_member | is_project_team | is_admin
)
rules.add_perm(
    "safety.open_dataset", is_owner_member | is_dataset_reviewer | reads_redacted | is_admin
)
rules.add_perm("safety.choose_sheet", is_owner_member)
# A failed scan is tried again by the owner (the view says when it may be).
rules.add_perm("safety.try_dataset_again", is_owner_member)
rules.add_perm("safety.choose_remedies", (is_dataset_reviewer | is_admin) & ~owning_side)
rules.add_perm("safety.download_raw", reads_raw & ~agreement_lapsed)
rules.add_perm("safety.download_redacted", reads_redacted & ~agreement_lapsed)
rules.add_perm("safety.read_access_log", is_owner_member | is_dataset_reviewer)
# Who would read the bytes, were the agreement not lapsed (the download pages say so).
rules.add_perm("safety.reads_raw", reads_raw)
rules.add_perm("safety.reads_redacted", reads_redacted)


# --- Checks -----------------------------------------------------------------------------------


@rules.predicate
def is_check_author(user, check) -> bool:
    return user.is_authenticated and check.author_id == user.pk


@rules.predicate
def is_check_owning_side(user, check) -> bool:
    source = check.data_source
    return source is not None and (is_owner_member(user, source) or is_uploader(user, source))


@rules.predicate
def is_condition_owner(user, condition) -> bool:
    return user.is_authenticated and condition.owner_id == user.pk


@rules.predicate
def is_condition_check_author(user, condition) -> bool:
    return is_check_author(user, condition.safety_check)


knows_idea = is_on_programme | owns_a_source | is_admin
# Asked with the idea: see its checks and evidence pack, start a check.
rules.add_perm("safety.know_checks", knows_idea)
rules.add_perm("safety.write_check", knows_idea)
# Asked with a check.
rules.add_perm("safety.view_check", knows_idea | is_check_author)
rules.add_perm("safety.edit_check", is_check_author)
rules.add_perm(
    "safety.sign_off_check", is_dataset_reviewer & ~is_check_author & ~is_check_owning_side
)
# Asked with a condition.
rules.add_perm("safety.resolve_condition", is_condition_owner | is_dataset_reviewer)
rules.add_perm("safety.accept_condition", is_dataset_reviewer & ~is_condition_check_author)
rules.add_perm("safety.open_safety_pages", rules.is_authenticated)
rules.add_perm("safety.view_evidence_pack", knows_idea)


# --- Sharing agreements -----------------------------------------------------------------------


@rules.predicate
def is_party_member(user, agreement) -> bool:
    org = _confirmed_org(user)
    return org is not None and _memo(
        agreement, f"party:{org}", lambda: agreement.parties.filter(pk=org).exists()
    )


@rules.predicate
def keeps_register(user, obj) -> bool:
    return _has_role(user, obj, *AGREEMENT_ROLES)


# Asked with the programme for the register, with an agreement below.
rules.add_perm("safety.view_agreements", is_programme_member | is_admin)
rules.add_perm("safety.manage_agreements", keeps_register | is_admin)
rules.add_perm("safety.know_agreement", is_on_programme | is_party_member | is_admin)
rules.add_perm("safety.change_agreement", keeps_register | is_admin)
# The signed document follows the raw file's rule: the parties, and the reviewers and legal
# people who keep the register. Not admins or facilitators in the web interface.
rules.add_perm("safety.download_agreement", is_party_member | keeps_register)


# --- Second factor ----------------------------------------------------------------------------


def may_download_data(user) -> bool:
    """Anyone who may download raw or redacted data or a signed agreement must use a second
    factor: owning organisations' members, analysts, the register's keepers, people named on a
    check, and project teams."""
    if not user.is_authenticated:
        return False
    roles = (Role.DATA_ANALYST, *AGREEMENT_ROLES)
    if user.memberships.active().filter(role__in=roles).exists():
        return True
    org = _confirmed_org(user)
    if org is not None and (
        DataSource.objects.filter(owner_id=org).exists()
        or SharingAgreement.objects.filter(parties=org).exists()
    ):
        return True
    named = SafetyCheck.objects.filter(analysts=user, in_force=True, outcome__in=APPROVED_OUTCOMES)
    return named.exists() or bool(extensions.team_idea_ids(user))
