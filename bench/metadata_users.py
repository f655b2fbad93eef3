"""A DHIS2 metadata file of users, roles and groups for the import benchmark.

    python -m bench.metadata_users 20000 --output users.json   # write the file
    python -m bench.metadata_users 20000 --time                # import it into a fresh SQLite
    python -m bench.metadata_users 20000 --time --database-url postgresql://…/bench

The national-scale dataset has 20,000 users and 500 user groups (one group per 40 users).
DHIS2 exports carry no passwords; ``--passwords N`` gives every N-th user one.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROLES = [
    ("Superuser", ["ALL"]),
    ("Messaging user", ["M_dhis-web-messaging"]),
    ("Feedback handler", ["M_dhis-web-messaging", "F_MANAGE_TICKETS"]),
    ("Data entry clerk", ["F_DATAVALUE_ADD", "M_dhis-web-messaging"]),
    ("District officer", ["F_VIEW_REPORTS", "M_dhis-web-messaging"]),
]
FIRST_NAMES = ["Amina", "Ibrahim", "Fatmata", "Samuel", "Grace", "Mariama", "Tom", "Kadi", "Musa"]
SURNAMES = ["Sesay", "Conteh", "Kamara", "Koroma", "Mansaray", "Bangura", "Wakiki", "Jalloh"]


def _uid(rng: random.Random) -> str:
    return rng.choice(string.ascii_letters) + "".join(
        rng.choice(string.ascii_letters + string.digits) for _ in range(10)
    )


def metadata_users(
    count: int,
    *,
    users_per_group: int = 40,
    groups_per_user: int = 2,
    password_every: int = 0,
    legacy_every: int = 0,
    seed: int = 1,
) -> dict[str, Any]:
    """DHIS2 metadata JSON: the roles above, ``count`` users and one group per
    ``users_per_group`` users, memberships given from both sides as DHIS2 exports them.

    :param password_every: every n-th user carries a password (0: none do).
    :param legacy_every: every n-th user has the older ``userCredentials`` shape (0: none).
    """
    rng = random.Random(seed)
    roles = [{"id": _uid(rng), "name": name, "authorities": a} for name, a in ROLES]
    groups = [
        {"id": _uid(rng), "name": f"Group {n:04d}", "code": f"G{n:04d}", "users": []}
        for n in range(max(1, count // users_per_group))
    ]
    users = []
    for n in range(count):
        uid = _uid(rng)
        user_roles = [{"id": roles[1 + n % (len(roles) - 1)]["id"]}]
        user_groups = rng.sample(groups, min(groups_per_user, len(groups)))
        for group in user_groups:
            group["users"].append({"id": uid})
        credentials: dict[str, Any] = {"username": f"user{n:06d}", "userRoles": user_roles}
        if password_every and n % password_every == 0:
            credentials["password"] = f"Password-{n:06d}"
        user: dict[str, Any] = {
            "id": uid,
            "firstName": rng.choice(FIRST_NAMES),
            "surname": rng.choice(SURNAMES),
            "email": f"user{n:06d}@example.org",
            "userGroups": [{"id": group["id"]} for group in user_groups],
        }
        if legacy_every and n % legacy_every == 0:
            user["userCredentials"] = credentials
        else:
            user.update(credentials)
        users.append(user)
    return {"system": {"version": "2.40"}, "userRoles": roles, "users": users, "userGroups": groups}


def time_import(
    payload: dict[str, Any], database_url: str | None = None, plugins: list[str] | None = None
) -> tuple[float, dict]:
    """Seconds to import ``payload`` into a freshly migrated database with ``plugins``
    enabled (none by default), and the report."""
    from kernel import create_app
    from kernel.metadata import import_metadata
    from kernel.migrate import apply_migrations

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "DATABASE_URL": database_url or f"sqlite:///{folder}/bench.db",
                "INSTANCE_PATH": folder,
                "PLUGINS": plugins or [],
                "SECRET_KEY": "bench",
            }
        )
        database = app.extensions["mailroom.database"]
        with app.app_context():
            apply_migrations(database, app.extensions["mailroom.hooks"])
            started = time.perf_counter()
            report = import_metadata(payload)
            elapsed = time.perf_counter() - started
            database.close()
    return elapsed, report.to_dict()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--output", type=Path, help="write the file here")
    parser.add_argument("--passwords", type=int, default=0, metavar="N")
    parser.add_argument("--legacy", type=int, default=0, metavar="N")
    parser.add_argument("--time", action="store_true", help="time importing it")
    parser.add_argument("--database-url", help="an empty database to import into")
    args = parser.parse_args(argv)
    payload = metadata_users(args.count, password_every=args.passwords, legacy_every=args.legacy)
    if args.output:
        args.output.write_text(json.dumps(payload))
        print(f"Wrote {args.count} users to {args.output}", file=sys.stderr)
    if args.time:
        elapsed, report = time_import(payload, args.database_url)
        status, stats = report["status"], report["stats"]
        print(f"Imported {args.count} users in {elapsed:.2f} s: {status} {stats}")


if __name__ == "__main__":
    main()
