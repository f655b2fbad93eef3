"""Browsers signed in as the administrator (ALL) and as a colleague without ALL."""

from __future__ import annotations

import pytest

from tests.conftest import Browser


@pytest.fixture
def admin(app, people, sign_in) -> Browser:
    return sign_in(app, "admin")


@pytest.fixture
def ana(app, people, sign_in) -> Browser:
    return sign_in(app, "ana")
