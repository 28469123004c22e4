"""``manage.py import_postcode_households FILE``: load the public households-per-postcode table.

The CSV is ``postcode,households`` (a header line is allowed). The import replaces the whole table
in one transaction, so scans never see half of it.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from safety.models import PostcodeHouseholds
from safety.scanning.engine import load_households
from safety.scanning.errors import DatasetError


class Command(BaseCommand):
    help = "Replace the households-per-postcode table used by scans with a CSV postcode,households."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")

    def handle(self, *args, file: str, **options) -> None:
        try:
            table = load_households(file)
        except DatasetError as error:
            raise CommandError(error.message) from error
        with transaction.atomic():
            PostcodeHouseholds.objects.all().delete()
            PostcodeHouseholds.objects.bulk_create(
                (PostcodeHouseholds(postcode=code, households=n) for code, n in table.items()),
                batch_size=5_000,
            )
        self.stdout.write(f"Imported {len(table)} postcodes.")
