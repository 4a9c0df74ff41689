"""The WSGI entry point: `gunicorn --preload wsgi:app` (README "Deployment") and `flask --app wsgi`."""

import gc

from examapp import create_app

app = create_app()

# The app as created holds some 150,000 long-lived objects (models, compiled templates, translations, the route
# map). Left to the cyclic garbage collector, each full collection scans them all again: about 100 ms in which
# the worker answers no one, the first one usually during a worker's first requests. Frozen here, before
# gunicorn (--preload) forks its workers, they are never scanned (and their pages stay shared between workers).
gc.collect()
gc.freeze()
