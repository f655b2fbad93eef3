"""Only the search cases of the suite, on databases already seeded (nothing is written
but the heavy user's sign-in):

    python -m bench.search --database-url sqlite:///bench.db --repeat 20 [--show-sql]

The figures are those of :mod:`bench.run` (server time through the test client, the
replayed SQL as the floor); ``--show-sql`` prints each case's statements with the median
milliseconds of each, replayed.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.run import SEARCH_CASES, _hello_floor, _page_result, _signed_in, recorded_sql, table
from bench.seed import HEAVY_USERNAME, open_bench_app

# Beyond the suite's six: each way a search is answered, with filters on the participant
# row and on the conversation, partial words (typed so far), and pages past the count.
EXTRA_CASES = [
    "/messages/TICKET?q=zq0001&status=OPEN",
    "/messages/PRIVATE?q=vaccine&read=unread",
    "/messages/PRIVATE?q=vacc",
    "/messages/PRIVATE?q=kama",
    "/messages/PRIVATE?q=vaccine&page=30",
    "/messages/TICKET?q=measles&status=OPEN&page=3",
    "/messages/PRIVATE?q=hawa",
    "/messages/SYSTEM?q=kargbo",
    "/messages/PRIVATE?q=vaccine+zq0001",
]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append", dest="urls", required=True)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--case", action="append", dest="cases", help="a URL (default: all)")
    parser.add_argument("--extra", action="store_true", help="more cases than the suite's")
    parser.add_argument("--show-sql", action="store_true")
    args = parser.parse_args(argv)
    for url in args.urls:
        app = open_bench_app(url)
        client = _signed_in(app, HEAVY_USERNAME)
        hello = _hello_floor(args.repeat)
        cases = args.cases or SEARCH_CASES + (EXTRA_CASES if args.extra else [])
        if args.show_sql:
            database = app.extensions["mailroom.database"]
            for case in cases:
                with recorded_sql(database) as statements:
                    client.get(case)
                print(f"\n{case}")
                for sql, params in statements:
                    print(f"  {_replayed(database, sql, params, args.repeat):7.2f} ms  {sql}")
                    print(f"             {params}")
        results = [
            _page_result(app, client, case, "search", 50, args.repeat, hello) for case in cases
        ]
        print(f"\n{url}\n{table(results)}", flush=True)


def _replayed(database, sql: str, params, repeat: int) -> float:
    """Median milliseconds to run one statement again and fetch its rows."""
    database.connect(reuse_if_open=True)
    samples = []
    try:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor = database.cursor()
            cursor.execute(sql, params or ())
            cursor.fetchall()
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        database.close()
    return statistics.median(samples)


if __name__ == "__main__":
    main()
