"""The Celery application. Workers: `celery -A cip worker`; scheduler: `celery -A cip beat`."""

import logging
import os

from celery import Celery, bootsteps
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cip.settings")

logger = logging.getLogger(__name__)

app = Celery("cip")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class QueueBindings(bootsteps.StartStopStep):
    """Keep the worker's queues routable after Redis is flushed or restarted empty.

    Redis keeps each queue's binding to its exchange as a key. Without it kombu drops what is
    published to that exchange without a word: beat's schedule, new scans, everything. A worker
    writes the bindings when it connects, and a flush does not disconnect it, so it writes them
    again every QUEUE_BINDINGS_SECONDS: a few set additions. (kombu's own declare remembers what
    it has declared, so it would not write them again.)
    """

    requires = {"celery.worker.components:Timer"}

    def start(self, worker) -> None:
        every = settings.QUEUE_BINDINGS_SECONDS
        worker.timer.call_repeatedly(every, self.bind, (worker,), priority=10)

    def bind(self, worker) -> None:
        try:
            with worker.app.connection_for_write() as connection:
                channel = connection.default_channel
                if not hasattr(channel, "_queue_bind"):  # not a kombu virtual transport
                    return
                for queue in worker.app.amqp.queues.consume_from.values():
                    if queue.exchange is not None and queue.exchange.name:
                        channel._queue_bind(queue.exchange.name, queue.routing_key, "", queue.name)
        except Exception as error:  # the broker is away: the next tick tries again
            logger.warning("Could not write the queue bindings: %s", type(error).__name__)


app.steps["worker"].add(QueueBindings)
