"""How the personal-data report names what the scan found."""

from django import template

from safety.scanning.patterns import PII_TYPE_LABELS

register = template.Library()


@register.filter
def pii_type(code: str) -> str:
    """The plain name of a scanner type ("NI_NUMBER" -> "National Insurance numbers")."""
    return PII_TYPE_LABELS.get(code, code)


@register.filter
def pii_types(codes: list[str]) -> str:
    """A list of scanner types in plain words, or "None"."""
    return ", ".join(pii_type(code) for code in codes) or "None"
