"""A DHIS2 metadata file of an organisation-unit hierarchy for the import benchmark.

    python -m bench.orgunits 50000 --output units.json   # write the file
    python -m bench.orgunits 50000 --time                # import it into a fresh SQLite
    python -m bench.orgunits 50000 --time --database-url postgresql://…/bench

Five levels: a country, 10 regions, 100 districts, 1,000 chiefdoms and the rest
facilities, listed in a shuffled order (children often before their parents, as in real
exports), with an org unit group of every tenth facility.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
from pathlib import Path
from typing import Any

BRANCHING = (10, 10, 10)  # regions, districts per region, chiefdoms per district


def _uid(rng: random.Random, taken: set[str]) -> str:
    while True:
        uid = rng.choice(string.ascii_letters) + "".join(
            rng.choice(string.ascii_letters + string.digits) for _ in range(10)
        )
        if uid not in taken:
            taken.add(uid)
            return uid


def org_units(count: int, *, seed: int = 1) -> dict[str, Any]:
    """DHIS2 metadata JSON with ``count`` org units in five levels and one group."""
    rng = random.Random(seed)
    taken: set[str] = set()
    country = {"id": _uid(rng, taken), "name": "Country", "code": "C", "level": 1}
    units = [country]
    level = [country]
    for depth, width in enumerate(BRANCHING, start=2):
        below = []
        for parent in level:
            for n in range(width):
                if len(units) >= count:
                    break
                child = {
                    "id": _uid(rng, taken),
                    "name": f"{parent['name']} {n + 1}" if depth > 2 else f"Region {n + 1}",
                    "parent": {"id": parent["id"]},
                }
                below.append(child)
                units.append(child)
        level = below
    facilities = []
    for n in range(count - len(units)):
        parent = level[n % len(level)]
        facility = {
            "id": _uid(rng, taken),
            "name": f"{parent['name']} facility {n // len(level) + 1}",
            "parent": {"id": parent["id"]},
        }
        facilities.append(facility)
    units += facilities
    del country["level"]
    rng.shuffle(units)
    group = {
        "id": _uid(rng, taken),
        "name": "Sampled facilities",
        "organisationUnits": [{"id": f["id"]} for f in facilities[::10]],
    }
    return {
        "system": {"version": "2.40"},
        "organisationUnits": units,
        "organisationUnitGroups": [group],
    }


def time_import(payload: dict[str, Any], database_url: str | None = None) -> tuple[float, dict]:
    """Seconds to import ``payload`` with orgunit_routing enabled, and the report."""
    from bench.metadata_users import time_import as time_metadata_import

    return time_metadata_import(payload, database_url, plugins=["orgunit_routing"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--output", type=Path, help="write the file here")
    parser.add_argument("--time", action="store_true", help="time importing it")
    parser.add_argument("--database-url", help="an empty database to import into")
    args = parser.parse_args(argv)
    payload = org_units(args.count)
    if args.output:
        args.output.write_text(json.dumps(payload))
        print(f"Wrote {args.count} org units to {args.output}", file=sys.stderr)
    if args.time:
        elapsed, report = time_import(payload, args.database_url)
        status, stats = report["status"], report["stats"]
        print(f"Imported {args.count} org units in {elapsed:.2f} s: {status} {stats}")


if __name__ == "__main__":
    main()
