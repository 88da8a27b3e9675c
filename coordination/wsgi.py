import gc
import os

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings")
application = get_wsgi_application()
if settings.DEBUG:
    # What `runserver` does in development: gunicorn with DEBUG on (docker-compose's default)
    # serves the static files from the apps too. Without DEBUG, WhiteNoise serves them.
    application = StaticFilesHandler(application)
# What is loaded now (Django, the apps, ~170,000 objects) lives as long as the worker, yet each
# full collection of the cyclic GC walked all of it again: ~120 ms of CPU every third or fourth
# who-knows-what of 500 entries, its p95 (issue 18). Frozen, a full collection walks only what
# requests made. Collected first so that no garbage of the imports is kept for good.
gc.collect()
gc.freeze()
