"""The kernel's Jinja templates; a package only so the wheel ships them as ``kernel.templates``."""
