"""The state of the "Write message" form: chosen recipients, subject, text and search.

Every chosen recipient is posted as ``recipient=<kind>:<uid>``, by the "To user" field
and by any field another plugin adds in the ``compose`` slot; every form key the page does
not own becomes a selection option (``include_subunits=on``). So the fields of plugins this
one has never heard of reach their resolvers unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from kernel.contributions import RecipientKind, RecipientSelection
from kernel.messaging import SendError, check_subject_and_text, check_text
from plugins.user_messages.picker import Pick, clean_query, read_picks, selection_of

# The compose page's own form keys; every other key is an option for the resolvers.
OWN_KEYS = frozenset(
    {"csrf_token", "recipient", "to", "subject", "text", "q", "search", "add", "remove", "send"}
)


@dataclass
class ComposeForm:
    picks: list[Pick]
    subject: str = ""
    text: str = ""
    query: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    # Messages by field: "recipients", "subject", "text", or "form" for the whole form.
    errors: dict[str, str] = field(default_factory=dict)

    def add(self, pick: Pick) -> None:
        if pick not in self.picks:
            self.picks.append(pick)

    def remove(self, pick: Pick) -> None:
        self.picks = [p for p in self.picks if p != pick]

    def selection(self) -> RecipientSelection:
        return selection_of(self.picks, self.options)

    def limit_picks(self, cap: int | None) -> None:
        """Keep at most ``cap`` picks, so a forged form cannot make the lookups huge."""
        if cap and len(self.picks) > cap:
            self.errors["recipients"] = (
                f"You chose {len(self.picks):,} recipients; at most {cap:,} are allowed."
            )
            del self.picks[cap:]

    def check_ready_to_send(self, limits: Mapping[str, Any]) -> None:
        """Record every reason the form cannot be sent yet, not only the first."""
        if not self.picks:
            self.errors.setdefault("recipients", "Choose at least one recipient.")
        try:
            check_subject_and_text(self.subject, self.text, limits)
        except SendError as error:
            self.errors[error.field or "form"] = error.message
            if error.field == "subject":
                try:
                    check_text(self.text, limits)
                except SendError as text_error:
                    self.errors["text"] = text_error.message


def read_form(
    values: MultiDict, kinds: Mapping[str, RecipientKind], pick_keys: Iterable[str]
) -> ComposeForm:
    """The form as posted (or pre-filled by a link); unknown recipients become an error.

    :param pick_keys: the keys holding ``kind:uid`` values: ``recipient`` when posted,
        also ``to`` in a link (``?to=user:<uid>``, repeated or comma-separated).
    """
    picks, unknown = read_picks(
        (part for key in pick_keys for value in values.getlist(key) for part in value.split(",")),
        kinds,
    )
    form = ComposeForm(
        picks=picks,
        subject=values.get("subject", ""),
        text=values.get("text", ""),
        query=clean_query(values.get("q", "")),
        options={key: _one_or_all(values.getlist(key)) for key in values if key not in OWN_KEYS},
    )
    if unknown:
        form.errors["recipients"] = f"Unknown recipient “{unknown[0]}”; it was left out."
    return form


def _one_or_all(values: list[str]) -> str | list[str]:
    # A checkbox arrives as "on"; a repeated key (several choices) as a list.
    return values[0] if len(values) == 1 else values
