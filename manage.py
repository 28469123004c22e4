#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# The personal-data engine's commands touch no database and no stored file, so they run without
# the service's settings, and so without its secrets: a new shell with DEBUG unset runs them.
ENGINE_COMMANDS = {"scan_dataset", "redact_dataset"}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ENGINE_COMMANDS:
        run_engine_command(sys.argv)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cip.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


def run_engine_command(argv: list[str]) -> None:
    import django
    from django.conf import settings
    from django.core.management import load_command_class

    settings.configure()
    django.setup()
    load_command_class("safety", argv[1]).run_from_argv(argv)


if __name__ == "__main__":
    main()
