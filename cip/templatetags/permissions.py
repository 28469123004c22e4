"""`{% load permissions %}`: django-rules' template tags, asking the rules themselves.

django-rules' own `has_perm` tag asks `user.has_perm`, which lets superusers through every
permission, while the views ask `rules.has_perm` (see safety/rules.py). Pages would then offer an
admin links that answer 403. Here the tag asks what the views ask.
"""

from __future__ import annotations

import rules
from django import template

register = template.Library()


@register.simple_tag
def has_perm(perm: str, user, obj=None) -> bool:
    return rules.has_perm(perm, user, obj)


@register.simple_tag
def test_rule(name: str, obj=None, target=None) -> bool:
    return rules.test_rule(name, obj, target)
