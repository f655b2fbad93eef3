"""The kernel's models: people (users, roles, groups), conversations and settings."""

from kernel.models.conversations import Conversation, Message, Participant, Priority, Status
from kernel.models.settings import Setting
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
]

__all__ = [
    "KERNEL_MODELS",
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
