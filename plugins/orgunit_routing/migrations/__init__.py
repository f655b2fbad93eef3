"""Org unit migrations (a package only so the wheel ships them)."""
