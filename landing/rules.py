import rules

rules.add_perm("landing.view_home", rules.always_allow)
