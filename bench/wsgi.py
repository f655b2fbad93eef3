"""Mailroom as a WSGI app for gunicorn under load, configured by the ``MAILROOM_*``
environment like ``mailroom serve``:

    MAILROOM_DATABASE_URL=… gunicorn --workers 2 --bind 127.0.0.1:8098 bench.wsgi:app
"""

from kernel import create_app

app = create_app()
