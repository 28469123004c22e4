"""`{{ text|markdown }}`: Markdown as sanitised GOV.UK HTML (cip.markdown)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from cip.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value: str) -> SafeString:
    # Safe to mark: render_markdown passes everything through the nh3 sanitiser.
    return mark_safe(render_markdown(value))  # noqa: S308  # nosec B308 B703
