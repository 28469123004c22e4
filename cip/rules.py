"""Permissions of the platform's own pages."""

import rules

rules.add_perm("cip.view_health", rules.always_allow)
