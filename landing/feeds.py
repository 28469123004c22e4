from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from landing.models import NewsPost
from projects.models import Insight
from teams.models import Programme


class PlainTextAtomFeed(Atom1Feed):
    """Atom with plain-text summaries. Django marks them type="html", so a reader would treat
    markup someone typed into a summary as markup; as text it is shown as typed."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item | {"description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class ProgrammeNewsFeed(Feed):
    """An Atom feed of a programme's published updates."""

    feed_type = PlainTextAtomFeed

    def get_object(self, request, slug: str) -> Programme:
        return get_object_or_404(Programme, slug=slug)

    def title(self, programme: Programme) -> str:
        return f"{programme.name}: updates"

    def link(self, programme: Programme) -> str:
        return reverse("landing:news", kwargs={"slug": programme.slug})

    def subtitle(self, programme: Programme) -> str:
        return f"News from the Community Insights programme in {programme.place}."

    def items(self, programme: Programme):
        return (
            NewsPost.objects.published()
            .filter(programme=programme)
            .select_related("programme", "blog_post__programme")[:20]
        )

    def item_link(self, post: NewsPost) -> str:
        # A co-written blog post's announcement leads straight to the post.
        if post.blog_post is not None and post.blog_post.published_at:
            return post.blog_post.get_public_url()
        return post.get_absolute_url()

    def item_title(self, post: NewsPost) -> str:
        return post.title

    def item_description(self, post: NewsPost) -> str:
        return post.summary

    def item_pubdate(self, post: NewsPost):
        return post.published_at

    def item_updateddate(self, post: NewsPost):
        return post.updated_at


class NationalInsightsFeed(Feed):
    """An Atom feed of the latest insights published by every programme here."""

    feed_type = PlainTextAtomFeed
    title = "New insights from every programme"
    subtitle = "Insights published by the Community Insights programmes on this site."

    def link(self) -> str:
        return reverse("landing:national")

    def items(self):
        return Insight.objects.published().select_related("programme")[:20]

    def item_title(self, insight: Insight) -> str:
        return f"{insight.title} ({insight.programme.name})"

    def item_description(self, insight: Insight) -> str:
        return insight.summary

    def item_link(self, insight: Insight) -> str:
        return insight.get_public_url()

    def item_pubdate(self, insight: Insight):
        return insight.published_at

    def item_updateddate(self, insight: Insight):
        return insight.updated_at
