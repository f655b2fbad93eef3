"""Mailroom test suite."""
