"""Role names in sentences (teams.roles), loaded as builtins (cip/settings.py).

{{ membership.role|role_name }}            Advisory panel member
{{ membership.role|a_role }}               an advisory panel member
{{ invitation.get_role_display|in_sentence }}  VCS colleague who proposed the idea
{{ label|in_sentence|with_article }}       a delivery lead
"""

from __future__ import annotations

from django import template

from teams import roles

register = template.Library()
register.filter("role_name", roles.role_name)
register.filter("a_role", roles.a_role)
register.filter("in_sentence", roles.in_sentence)
register.filter("with_article", roles.with_article)
