"""The PRIVATE message type: conversations between users, in the "Inbox" folder."""

from __future__ import annotations

from kernel.contributions import MessageType

PRIVATE = "PRIVATE"

PRIVATE_MESSAGE = MessageType(
    key=PRIVATE, label="Private message", folder="Inbox", composable=True, order=10
)
