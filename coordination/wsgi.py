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
