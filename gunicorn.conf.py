"""gunicorn settings, read from the project folder: ``gunicorn --workers 3 app:server``.

The app is built once, before the workers are forked, so that opening (and on an empty
database, filling) the database happens once rather than racing in every worker. Each worker
then drops the database connections it inherited and opens its own.
"""

preload_app = True
#: Seconds a worker may take over one request before gunicorn restarts it: well above SQLite's
#: busy timeout (``SQLITE_BUSY_TIMEOUT``, default 10 s), so a save that waits for a running
#: refresh gets its "try again" answer instead of a killed worker.
timeout = 60


def post_fork(server, worker):
    from indicators import service

    service.engine().dispose(close=False)
