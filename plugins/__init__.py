"""Mailroom's built-in plugins. Each is registered through the ``mailroom.plugins`` entry
points exactly like a third-party plugin; none imports another."""
