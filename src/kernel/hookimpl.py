"""The marker plugins use: ``from kernel import hookimpl``."""

import pluggy

from kernel.hookspecs import PROJECT_NAME

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
