import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings")

app = Celery("coordination")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A worker's pool process keeps its database connection between tasks, as gunicorn's workers
# keep theirs between requests (gunicorn.conf.py): Celery's Django fixup closed it before and
# after every task (settings.CELERY_DB_REUSE_MAX turns that off), so each delivery forked a new
# PostgreSQL backend, authenticated it and filled its catalogue caches anew. Django's own rule
# closes it instead, at each task's start and end as at a request's: once it is unusable (the
# server restarted) or older than CONN_MAX_AGE.
WORKER_CONN_MAX_AGE = 60


@worker_process_init.connect
def _keep_connections(**kwargs: object) -> None:
    from django.conf import settings

    if "DATABASE_CONN_MAX_AGE" not in os.environ:
        for database in settings.DATABASES.values():
            database["CONN_MAX_AGE"] = WORKER_CONN_MAX_AGE


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(*, task: Any, **kwargs: object) -> None:
    # An eager task (tests, the bench's build) runs inside its caller's transaction.
    if not task.request.is_eager:
        from django.db import close_old_connections

        close_old_connections()
