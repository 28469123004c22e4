"""`manage.py seed_demo`: demo data for every part of the product, so `make run` shows it in use.

It lives in the top app because it draws on all of them. Safe to run again: each part only adds
what is missing. It refuses to run with DEBUG off (unless --force), because every demo account
shares a published password.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from landing.demo import seed_national, seed_news
from projects.demo import seed_idea_queue
from projects.demo_actions import seed_actions
from projects.demo_reflection import seed_reflection
from projects.demo_selection import seed_selection
from projects.demo_sharing import seed_sharing
from projects.demo_solutions import seed_solutions
from safety.demo import seed_datasets, seed_safety
from scoping.demo import seed_scoping
from teams import demo as teams_demo
from teams.models import User
from teams.rules import requires_mfa


class Command(BaseCommand):
    help = "Add demo programmes, organisations, one sign-in per role and their work (development)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo accounts share a published password.",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to add demo accounts with DEBUG off: they share a published password. "
                "Use --force if this really is a demonstration site."
            )
        with transaction.atomic():
            programmes, created = teams_demo.seed()
            seed_news(programmes)
            seed_scoping(programmes)
        # After the commit: uploads queue their scans on commit, and this runs them in-process.
        seed_datasets(programmes)
        seed_idea_queue(programmes)
        seed_selection(programmes)
        seed_safety(programmes)
        seed_national(programmes)
        seed_solutions(programmes)
        seed_actions(programmes)
        seed_reflection(programmes)
        seed_sharing(programmes)
        self._print_sign_ins(created)

    def _print_sign_ins(self, created: set[str]) -> None:
        write, users = self.stdout.write, teams_demo.DEMO_USERS
        password = teams_demo.DEMO_PASSWORD
        write(f"Demo data ready: {len(created)} new account(s). Sign in at /accounts/login/ with:")
        write("")
        width = max(len(demo.email) for demo in users)
        write(f"  {'Email':<{width}}  {'Password':<{len(password)}}  Who")
        accounts = {u.email: u for u in User.objects.filter(email__in=teams_demo.demo_emails())}
        for demo in users:
            mark = " *" if requires_mfa(accounts[demo.email]) else ""
            write(f"  {demo.email:<{width}}  {password}  {demo.who}{mark}")
        write("")
        write(
            "* Asked to set up two-factor authentication (an authenticator app) at first sign-in: "
            "admins, facilitators, information-rights reviewers and anyone who may download "
            "data (analysts and the data owners' people)."
        )
        if len(created) < len(users):
            write("Accounts that already existed keep whatever password they have now.")
