"""DHIS2 uids: what counts as one decides whether a value is looked up at all."""

from __future__ import annotations

import pytest

from kernel.uid import generate_uid, is_valid_uid


def test_generated_uids_are_valid_and_differ():
    uids = {generate_uid() for _ in range(200)}
    assert len(uids) == 200 and all(is_valid_uid(uid) for uid in uids)


@pytest.mark.parametrize(
    "value",
    ["", None, "A123456789", "A12345678901", "1A234567890", "A123456789_", "A1234567890\n",
     "A1234567890\x00", " A1234567890", "Ä1234567890"],
)  # fmt: skip
def test_anything_but_eleven_letters_or_digits_starting_with_a_letter_is_refused(value):
    assert not is_valid_uid(value)


def test_a_trailing_newline_on_a_url_uid_is_a_404(app, people, sign_in, converse):
    conversation = converse()
    page = sign_in(app, "ben").get(f"/conversations/{conversation.uid}%0A")
    assert page.status_code == 404


def test_find_by_uid_finds_the_row_and_never_looks_up_a_malformed_uid(ctx, people):
    from kernel.models import User
    from kernel.uid import find_by_uid

    ana = people["ana"]
    assert find_by_uid(User, ana.uid).username == "ana"
    assert find_by_uid(User, ana.uid, User.disabled == True) is None  # noqa: E712
    # NUL would be an error from PostgreSQL, not "no such row", if it were looked up.
    for uid in (ana.uid + "\x00", "a\x00" * 5 + "b", None, ""):
        assert find_by_uid(User, uid) is None
