"""What the public site publishes for each programme: principles, news and update emails."""

from __future__ import annotations

import secrets

from django.db import models
from django.urls import reverse
from django.utils import timezone

from cip.fields import OneLineCharField
from teams.models import Programme, User


class Principle(models.Model):
    """One of the collaboration principles a programme works by, shown on its public page."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="principles")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=800)

    class Meta:
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "position"], name="one_principle_per_place"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class NewsPostQuerySet(models.QuerySet["NewsPost"]):
    def published(self) -> NewsPostQuerySet:
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())


class NewsPost(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="news")
    title = OneLineCharField(max_length=200)
    slug = models.SlugField(max_length=80)
    summary = models.CharField(
        max_length=300, help_text="One or two sentences for lists and feeds."
    )
    body = models.TextField()
    published_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    # Set once the post has been emailed to subscribers, so it is never sent twice.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The published insight this post announces, if it is one (landing.signals).
    insight = models.OneToOneField(
        "projects.Insight",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="announcement",
        editable=False,
    )
    # The published blog post this post announces, if it is one (landing.signals).
    blog_post = models.OneToOneField(
        "projects.BlogPost",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="announcement",
        editable=False,
    )

    objects = NewsPostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="unique_news_slug")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("landing:news_post", kwargs={"slug": self.programme.slug, "post": self.slug})


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class UpdateSubscription(models.Model):
    """Someone who asked for a programme's update emails. Confirmed by a link (double opt-in)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="subscriptions")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "email"], name="one_subscription_each")
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.programme}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class NewsDelivery(models.Model):
    """One update emailed to one subscriber, so a retried mailing resumes rather than repeats."""

    post = models.ForeignKey(NewsPost, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        UpdateSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "news deliveries"
        constraints = [
            models.UniqueConstraint(fields=["post", "subscription"], name="one_delivery_each")
        ]

    def __str__(self) -> str:
        return f"{self.post} to subscription {self.subscription_id}"
