import rules

from teams.rules import is_admin, is_programme_facilitator

rules.add_perm("landing.view_home", rules.always_allow)
rules.add_perm("landing.view_public_pages", rules.always_allow)
rules.add_perm("landing.subscribe_to_updates", rules.always_allow)
rules.add_perm("landing.change_principles", is_programme_facilitator | is_admin)
rules.add_perm("landing.manage_news", is_programme_facilitator | is_admin)
