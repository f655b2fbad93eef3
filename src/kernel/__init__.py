"""Mailroom's kernel: app factory, hooks, people, conversations, pages and CLI.

Plugins write ``from kernel import hookimpl``.
"""

from kernel.hookimpl import hookimpl

__all__ = ["create_app", "hookimpl"]


def create_app(config: dict | None = None):  # noqa: ANN201 - Flask app, imported lazily
    """Build a Mailroom app; see :func:`kernel.app.create_app`."""
    from kernel.app import create_app as _create_app

    return _create_app(config)
