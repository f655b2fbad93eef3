"""The kernel's models: people (users, roles, groups), conversations and settings."""

from kernel.models.conversations import Conversation, Message, Participant, Priority, Status
from kernel.models.settings import Setting
from kernel.models.tokens import ApiToken
from kernel.models.users import (
    LoginFailure,
    RoleAuthority,
    User,
    UserGroup,
    UserGroupMember,
    UserRole,
    UserRoleMember,
)

KERNEL_MODELS = [
    User,
    UserRole,
    RoleAuthority,
    UserRoleMember,
    UserGroup,
    UserGroupMember,
    LoginFailure,
    Setting,
    Conversation,
    Message,
    Participant,
    ApiToken,
]

__all__ = [
    "KERNEL_MODELS",
    "ApiToken",
    "Conversation",
    "LoginFailure",
    "Message",
    "Participant",
    "Priority",
    "RoleAuthority",
    "Setting",
    "Status",
    "User",
    "UserGroup",
    "UserGroupMember",
    "UserRole",
    "UserRoleMember",
]
