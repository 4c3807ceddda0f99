"""gunicorn settings, read from the project folder: ``gunicorn --workers 3 app:server``.

The app is built once, before the workers are forked, so that opening (and on an empty
database, filling) the database happens once rather than racing in every worker; the common
pages' answers are then computed once into the shared answer cache (``when_ready``). Each worker
then drops the database connections it inherited and opens its own.
"""

preload_app = True
#: Seconds a worker may take over one request before gunicorn restarts it: well above SQLite's
#: busy timeout (``SQLITE_BUSY_TIMEOUT``, default 10 s), so a save that waits for a running
#: refresh gets its "try again" answer instead of a killed worker.
timeout = 60


def when_ready(server):
    """In the master, after the app was built and before the workers are forked: compute the
    common pages' answers into the shared answer cache, so that no participant waits for a
    cold one (the workers also inherit the derived tables this fills). Never stops the start."""
    if not server.cfg.preload_app:
        return
    from indicators import service
    from layouts.parts.answer_cache import warm

    warm(server.app.wsgi())
    service.engine().dispose()  # the master serves no request: its connections go


def post_fork(server, worker):
    from indicators import service

    service.engine().dispose(close=False)
