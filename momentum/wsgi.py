import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "momentum.settings")
application = get_wsgi_application()
# What Django built at start-up (some 70,000 objects: models, apps, settings) lives as long
# as the process, yet every full collection walked it again: 38 ms a time against 9 ms
# frozen. gunicorn's workers start together and serve alike, so they collected together:
# 10 s runs of the cached feed had a p99.9 of up to 64 ms unfrozen, and 7.3 ms at most frozen.
gc.freeze()
