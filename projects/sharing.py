"""Writes for sharing: plenary sessions with registration, a waiting list and attendance, and
co-written blog posts with their review. Keyword-only; emails go after commit, through tasks
that send once.

Every write that changes someone's place locks the plenary row first, so two people pressing the
button for the last place are served one after the other.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from projects.models import BlogPost, Plenary, PlenaryRegistration, Project
from projects.signals import blog_post_published
from teams.models import COMPLEMENTARY_ROLES, Membership, Organisation, Programme, User

Status = PlenaryRegistration.Status
NOT_DELETABLE = "This post has been sent for review or published, so it cannot be deleted"


# --- Plenary sessions ---------------------------------------------------------------------------


def plenary_schedule(
    *, programme: Programme, created_by: User, project: Project | None = None, **fields
) -> Plenary:
    """Schedule a plenary for the programme (or one of its projects)."""
    if project is not None and project.idea.programme_id != programme.pk:
        raise ValidationError("Choose a project of this programme")
    return Plenary.objects.create(
        programme=programme, project=project, created_by=created_by, **fields
    )


def _lock(plenary_id: int) -> Plenary:
    return Plenary.objects.select_for_update(of=("self",)).get(pk=plenary_id)


def _places_taken(plenary: Plenary) -> int:
    return plenary.registrations.filter(status=Status.CONFIRMED).count()


def _email_after_commit(registration: PlenaryRegistration, kind: str) -> None:
    from projects.tasks import email_plenary_registration  # noqa: PLC0415 (kept lazy, as in projects.workshops)

    pk, sequence = registration.pk, registration.sequence
    transaction.on_commit(lambda: email_plenary_registration.delay(pk, kind, sequence), robust=True)


@transaction.atomic
def plenary_register(
    *, plenary: Plenary, user: User, use_of_insights: str, organisation_name: str = ""
) -> PlenaryRegistration:
    """Register for a place, or join the waiting list when every place is taken."""
    plenary = _lock(plenary.pk)
    if plenary.is_cancelled:
        raise ValidationError("This session has been cancelled")
    if not plenary.is_open:
        raise ValidationError("Registration has closed: this session has started")
    if plenary.registrations.active().filter(user=user).exists():
        raise ValidationError("You have already registered for this session")
    full = _places_taken(plenary) >= plenary.capacity
    now = timezone.now()
    registration = PlenaryRegistration.objects.create(
        plenary=plenary,
        user=user,
        use_of_insights=use_of_insights,
        organisation_name=organisation_name,
        status=Status.WAITLISTED if full else Status.CONFIRMED,
        confirmed_at=None if full else now,
    )
    _email_after_commit(registration, "waitlisted" if full else "registered")
    return registration


def _promote_waiting(plenary: Plenary) -> None:
    """Give free places to the people waiting longest (the caller holds the plenary's lock)."""
    if not plenary.is_open:
        return
    free = plenary.capacity - _places_taken(plenary)
    waiting = plenary.registrations.select_for_update().filter(status=Status.WAITLISTED)
    for registration in waiting.order_by("created_at", "pk")[: max(free, 0)]:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = timezone.now()
        registration.sequence += 1
        registration.save(update_fields=["status", "confirmed_at", "sequence"])
        _email_after_commit(registration, "promoted")


@transaction.atomic
def plenary_registration_cancel(*, registration: PlenaryRegistration) -> None:
    """Give up a place (or leave the waiting list); the first person waiting gets the place."""
    plenary = _lock(registration.plenary_id)
    registration = PlenaryRegistration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_active:
        return
    had_place = registration.status == Status.CONFIRMED
    registration.status = Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.sequence += 1
    registration.save(update_fields=["status", "cancelled_at", "sequence"])
    _email_after_commit(registration, "cancelled")
    if had_place:
        _promote_waiting(plenary)


@transaction.atomic
def plenary_cancel(*, plenary: Plenary, message: str) -> int:
    """Cancel a plenary that has not started and email everyone registered or waiting, with
    the facilitator's message; returns how many will be emailed."""
    plenary = _lock(plenary.pk)
    if plenary.is_cancelled:
        return 0
    if plenary.has_started:
        raise ValidationError("This session has started, so it cannot be cancelled")
    plenary.cancelled_at = timezone.now()
    plenary.cancellation_message = message.strip()
    plenary.save(update_fields=["cancelled_at", "cancellation_message"])
    registrations = list(plenary.registrations.active().select_for_update())
    for registration in registrations:
        registration.status = Status.CANCELLED
        registration.cancelled_at = plenary.cancelled_at
        registration.sequence += 1
        registration.save(update_fields=["status", "cancelled_at", "sequence"])
        _email_after_commit(registration, "plenary_cancelled")
    return len(registrations)


def plenary_attendance_record(*, plenary: Plenary, marks: dict[int, str]) -> int:
    """Record who came ({registration id: attendance}) once the session has started; returns
    how many changed. Only people with a place are recorded."""
    if not plenary.has_started or plenary.is_cancelled:
        raise ValidationError("You can record attendance once the session has started")
    changed = 0
    for registration in plenary.registrations.filter(status=Status.CONFIRMED, pk__in=marks):
        if registration.attendance != marks[registration.pk]:
            registration.attendance = marks[registration.pk]
            registration.save(update_fields=["attendance"])  # a save: the audit log keeps it
            changed += 1
    return changed


# --- Co-written blog posts ----------------------------------------------------------------------


def _tell_after_commit(post: BlogPost) -> None:
    """Email the move (submitted: the facilitators; published or sent back: the authors)."""
    from projects.tasks import email_blog_post_move  # noqa: PLC0415 (kept lazy, as in projects.workshops)

    pk, status = post.pk, post.status
    transaction.on_commit(lambda: email_blog_post_move.delay(pk, status), robust=True)


class StaleVersion(ValidationError):
    """Someone else saved the post since this edit began."""


def core_team_side(user: User, programme: Programme) -> str | None:
    """ "vcs" or "council" for someone on the programme's core team whose organisation an admin
    has confirmed; None for anyone else."""
    if not (user.organisation_confirmed and user.organisation_id):
        return None
    on_core_team = (
        Membership.objects.active()
        .filter(programme=programme, user=user)
        .exclude(role__in=COMPLEMENTARY_ROLES)
        .exists()
    )
    kind = user.organisation.kind
    if not on_core_team or kind not in (Organisation.Kind.VCS, Organisation.Kind.COUNCIL):
        return None
    return kind


def missing_authors(post: BlogPost) -> list[str]:
    """What the authors still lack before the post can be submitted: a VCS member and a council
    member of the programme's core team."""
    sides = {
        core_team_side(author, post.programme)
        for author in post.authors.select_related("organisation")
    }
    missing = []
    if Organisation.Kind.VCS not in sides:
        missing.append(
            "Add a co-author from a voluntary or community organisation on the core team"
        )
    if Organisation.Kind.COUNCIL not in sides:
        missing.append("Add a co-author from the council on the core team")
    return missing


@transaction.atomic
def blog_post_start(
    *, programme: Programme, user: User, title: str, summary: str, body: str
) -> BlogPost:
    """Start a draft; whoever starts it is its first author."""
    post = BlogPost.objects.create(
        programme=programme,
        title=title,
        summary=summary,
        body=body.strip(),
        created_by=user,
        updated_by=user,
    )
    post.authors.add(user)
    return post


def blog_post_save(
    *, post: BlogPost, user: User, version: int, title: str, summary: str, body: str
) -> BlogPost:
    """Save an author's edit made from `version`. Last save wins, but only a save made from the
    latest version: if another author saved in between, StaleVersion, and nothing changes."""
    if not post.is_editable:
        raise ValidationError("This post is with the facilitator, so it cannot change now")
    with transaction.atomic():
        locked = BlogPost.objects.select_for_update().get(pk=post.pk)
        if locked.version != version or not locked.is_editable:
            raise StaleVersion(
                "Someone else saved this post while you were editing it. Your changes have not "
                "been saved: copy them, reload the page and add them to the latest version"
            )
        locked.title, locked.summary, locked.body = title, summary, body.strip()
        locked.version += 1
        locked.updated_by = user
        locked.save()
    return locked


def blog_author_add(*, post: BlogPost, user: User) -> None:
    """Add a co-author from the programme's team."""
    if not Membership.objects.active().filter(programme=post.programme, user=user).exists():
        raise ValidationError(f"{user} is not on the programme's team")
    if post.authors.filter(pk=user.pk).exists():
        raise ValidationError(f"{user} is already an author")
    post.authors.add(user)


@transaction.atomic
def blog_author_remove(*, post: BlogPost, author: User) -> None:
    """Take someone off a draft's authors; a draft keeps at least one."""
    post = BlogPost.objects.select_for_update().get(pk=post.pk)
    if not post.is_editable:
        raise ValidationError("This post is with the facilitator, so it cannot change now")
    if not post.authors.exclude(pk=author.pk).exists():
        raise ValidationError("A post needs at least one author")
    post.authors.remove(author)


@transaction.atomic
def blog_post_submit(*, post: BlogPost, user: User) -> BlogPost:
    """Send the post to the facilitator for review, once it has the authors it needs."""
    post = BlogPost.objects.select_for_update().get(pk=post.pk)
    if not post.is_editable:
        raise ValidationError("This post has already been submitted")
    if problems := missing_authors(post):
        raise ValidationError(problems)
    post.status = BlogPost.Status.SUBMITTED
    post.submitted_at = timezone.now()
    post.updated_by = user
    post.save(update_fields=["status", "submitted_at", "updated_by", "updated_at"])
    _tell_after_commit(post)
    return post


@transaction.atomic
def blog_post_delete(*, post: BlogPost) -> None:
    """Delete a draft (or a post sent back to its authors). One with the facilitator or
    published is refused: the facilitator is reviewing it, or readers may have linked to it.
    The audit log records the deletion and who made it."""
    post = BlogPost.objects.select_for_update().get(pk=post.pk)
    if not post.is_editable:
        raise ValidationError(NOT_DELETABLE)
    post.delete()


def _unique_slug(post: BlogPost) -> str:
    base = slugify(post.title)[:70] or "post"
    taken = set(
        BlogPost.objects.filter(programme=post.programme, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def blog_post_review(
    *, post: BlogPost, reviewer: User, publish: bool, comment: str = ""
) -> BlogPost:
    """Publish a submitted post, or send it back to its authors with a comment. Publishing
    announces it on the public site (news, feed and update emails) after commit."""
    post = BlogPost.objects.select_for_update().get(pk=post.pk)
    if post.status != BlogPost.Status.SUBMITTED:
        raise ValidationError("This post is not waiting for review")
    post.reviewed_by, post.review_comment = reviewer, comment.strip()
    if publish:
        post.status = BlogPost.Status.PUBLISHED
        post.published_at = timezone.now()
        post.slug = _unique_slug(post)
        pk = post.pk
        transaction.on_commit(
            lambda: blog_post_published.send(sender=BlogPost, post_id=pk), robust=True
        )
    else:
        if not post.review_comment:
            raise ValidationError("Tell the authors what to change")
        post.status = BlogPost.Status.RETURNED
    post.save()
    _tell_after_commit(post)
    return post
