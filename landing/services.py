"""Writes for the public site: update-email subscriptions and news posts."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from cip.emails import absolute_url, send_templated
from landing.models import NewsDelivery, NewsPost, UpdateSubscription, _new_token
from teams.models import Programme


def _send(template: str, *, to: str, context: dict) -> None:
    send_templated(template, to=[to], context=context)


def subscription_request(*, programme: Programme, email: str) -> None:
    """Start double opt-in: email a confirmation link, or a reminder if already subscribed.

    The page shown afterwards is the same whatever happened, so it reveals nobody's address.
    """
    email = email.strip().lower()
    subscription, _ = UpdateSubscription.objects.get_or_create(programme=programme, email=email)
    if subscription.unsubscribed_at is not None:
        subscription.token = _new_token()
        subscription.confirmed_at = subscription.unsubscribed_at = None
        subscription.save(update_fields=["token", "confirmed_at", "unsubscribed_at"])
    context = {
        "programme": programme,
        "confirm_url": absolute_url(
            reverse("landing:subscription_confirm", args=[programme.slug, subscription.token])
        ),
        "unsubscribe_url": _unsubscribe_url(subscription),
    }
    template = (
        "landing/email/already_subscribed.txt"
        if subscription.is_active
        else "landing/email/confirm_subscription.txt"
    )
    transaction.on_commit(lambda: _send(template, to=email, context=context), robust=True)


def subscription_confirm(*, subscription: UpdateSubscription) -> None:
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.unsubscribed_at = None
        subscription.save(update_fields=["confirmed_at", "unsubscribed_at"])


def subscription_cancel(*, subscription: UpdateSubscription) -> None:
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])


def _unsubscribe_url(subscription: UpdateSubscription) -> str:
    return absolute_url(
        reverse("landing:unsubscribe", args=[subscription.programme.slug, subscription.token])
    )


def news_post_save(*, post: NewsPost, publish: bool) -> NewsPost:
    """Save a post; publishing it for the first time emails the programme's subscribers."""
    if not post.slug:
        post.slug = _unique_slug(post)
    first_publication = publish and post.published_at is None
    if first_publication:
        post.published_at = timezone.now()
    post.save()
    if first_publication:
        from landing.tasks import email_news_post

        transaction.on_commit(lambda: email_news_post.delay(post.pk), robust=True)
    return post


# Paths under news/ that a post's slug must not take.
RESERVED_SLUGS = frozenset({"new", "feed"})


def _unique_slug(post: NewsPost) -> str:
    base = slugify(post.title)[:70] or "update"
    taken = RESERVED_SLUGS | set(
        NewsPost.objects.filter(programme=post.programme, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def news_post_email(*, post_id: int) -> int:
    """Email a published post to every active subscriber who has not had it; returns how many.

    Each delivery is recorded in the same transaction as its email is sent, so a failure part
    way leaves the rest for a retry and nobody gets the update twice.
    """
    post = NewsPost.objects.select_related("programme").filter(pk=post_id).first()
    if post is None or post.published_at is None or post.emailed_at is not None:
        return 0
    waiting = post.programme.subscriptions.filter(
        confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).exclude(deliveries__post=post)
    sent = 0
    for subscription in waiting.iterator():
        with transaction.atomic():
            _, created = NewsDelivery.objects.get_or_create(post=post, subscription=subscription)
            if created:
                context = {
                    "post": post,
                    "post_url": absolute_url(post.get_absolute_url()),
                    "unsubscribe_url": _unsubscribe_url(subscription),
                }
                _send("landing/email/news_post.txt", to=subscription.email, context=context)
                sent += 1
    NewsPost.objects.filter(pk=post_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return sent
