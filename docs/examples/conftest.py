"""The example plugin's tests run on Mailroom's own test harness (tests/conftest.py).

A plugin in its own repository would write its own fixtures; this one lives inside
Mailroom's, whose root is not on ``sys.path`` when pytest is given only docs/examples.
"""

import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

from tests.conftest import *  # noqa: E402, F403
