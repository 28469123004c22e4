"""The Celery application. Workers: `celery -A cip worker`; scheduler: `celery -A cip beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cip.settings")

app = Celery("cip")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
