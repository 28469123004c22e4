"""Work every web process would otherwise do on its first requests, done once before it starts.

gunicorn loads the application in its main process and forks the workers from it
(`preload_app`), and replaces each worker after `max_requests`. Without this, every new worker
compiled each template, built the URL resolver, read the translation catalogues and the static
files' manifest while answering its first visitors: up to a quarter of a second a page on a
slow machine, and under load the requests queued behind it waited seconds. Done in the main
process, the work is shared by every worker forked from it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template import TemplateSyntaxError, engines
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def template_names() -> set[str]:
    """Every template the Django engine can find, by the name it is loaded with."""
    folders = [Path(folder) for folder in engines["django"].engine.dirs]
    folders += [Path(folder) for folder in get_app_template_dirs("templates")]
    return {
        str(path.relative_to(folder))
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file()
    }


def warm_up() -> int:
    """Compile every template into the cached loader and fill the other lazy caches; return how
    many templates were compiled."""
    get_resolver()._populate()  # noqa: SLF001 (Django fills it on the first request otherwise)
    translation.activate(settings.LANGUAGE_CODE)
    staticfiles_storage.base_url  # noqa: B018 (instantiating the storage reads the manifest)
    engine = engines["django"]
    compiled = 0
    for name in sorted(template_names()):
        try:
            engine.get_template(name)
        except TemplateSyntaxError:
            # A library's template for a part of it this product does not install (allauth's
            # social accounts): never rendered here.
            logger.debug("Not compiled in advance: %s", name)
        else:
            compiled += 1
    translation.deactivate()
    return compiled
