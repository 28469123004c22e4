"""The Celery application. Workers: `celery -A cip worker`; scheduler: `celery -A cip beat`."""

import multiprocessing
import os
import signal

from celery import Celery, signals
from celery.exceptions import SoftTimeLimitExceeded

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cip.settings")

app = Celery("cip")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# A prefork pool enforces the time limits; a solo pool (the datasets worker, which runs its tasks
# in its main process) does not, so there an alarm does: the soft limit raises in the task, and
# a task still running at the hard limit ends the worker (its task is redelivered, and counted).
def _on_alarm(signum, frame) -> None:
    hard, soft = _limits(_on_alarm.task)  # type: ignore[attr-defined]
    if soft and not _on_alarm.soft_fired:  # type: ignore[attr-defined]
        _on_alarm.soft_fired = True  # type: ignore[attr-defined]
        if hard and hard > soft:
            signal.setitimer(signal.ITIMER_REAL, hard - soft)
        raise SoftTimeLimitExceeded()
    os._exit(1)


def _limits(task) -> tuple[float | None, float | None]:
    hard = task.time_limit or app.conf.task_time_limit
    soft = task.soft_time_limit or app.conf.task_soft_time_limit
    return hard, soft


def arm_time_limit(task=None, **_) -> None:
    hard, soft = _limits(task)
    first = soft or hard
    if first:
        _on_alarm.task, _on_alarm.soft_fired = task, False  # type: ignore[attr-defined]
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, first)


def disarm_time_limit(**_) -> None:
    signal.setitimer(signal.ITIMER_REAL, 0)


@signals.worker_process_init.connect
def _time_limits_in_a_solo_pool(**_) -> None:
    if multiprocessing.current_process().daemon:
        return  # a prefork pool's child: the pool enforces them
    signals.task_prerun.connect(arm_time_limit, weak=False)
    signals.task_postrun.connect(disarm_time_limit, weak=False)
