"""Demo data for ``mailroom demo``: the people of a small health system, as on DHIS2's
demo servers (log in as admin / district). Plugins add their records through a hook."""

from __future__ import annotations

from kernel.db import database
from kernel.models import Setting, User, UserGroup
from kernel.people import create_user, ensure_role
from kernel.plugins import current_hooks

DEMO_PASSWORD = "district"
DEMO_MARKER = "demo.loaded"

# username, first name, surname, groups
DEMO_PEOPLE = [
    ("admin", "John", "Traore", ["Feedback message recipients", "District officers"]),
    ("district", "Fatmata", "Kamara", ["District officers"]),
    ("tom", "Tom", "Wakiki", ["Feedback message recipients"]),
    ("amina", "Amina", "Sesay", ["Facility staff"]),
    ("ibrahim", "Ibrahim", "Conteh", ["Facility staff"]),
    ("mariama", "Mariama", "Bangura", ["Facility staff", "District officers"]),
    ("samuel", "Samuel", "Koroma", ["Facility staff"]),
    ("grace", "Grace", "Mansaray", ["Feedback message recipients"]),
]
DEMO_GROUPS = ["Feedback message recipients", "District officers", "Facility staff"]


def load_demo_data() -> bool:
    """Create the demo people and let plugins add theirs; False if already loaded."""
    if Setting.read(DEMO_MARKER):
        return False
    if User.select().where(User.username.in_([p[0] for p in DEMO_PEOPLE])).exists():
        # A database with real users is not turned into a demo.
        return False
    with database.atomic():
        groups = {name: UserGroup.create(name=name) for name in DEMO_GROUPS}
        messaging_role = ensure_role("Messaging user", ["M_dhis-web-messaging"])
        users: dict[str, User] = {}
        for username, first_name, surname, group_names in DEMO_PEOPLE:
            users[username] = create_user(
                username,
                first_name,
                surname,
                password=DEMO_PASSWORD,
                email=f"{username}@example.org",
                superuser=username == "admin",
                roles=[messaging_role],
                groups=[groups[name] for name in group_names],
            )
        current_hooks().demo_data(users, groups)
        Setting.write(DEMO_MARKER, True)
    return True
