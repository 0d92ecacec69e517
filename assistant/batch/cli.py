"""``python -m assistant screen REFERRALS_DIR --out OUT_DIR [--ray local|ADDRESS]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def add_screen_parser(sub: Any, func: Callable[[argparse.Namespace], int]) -> None:
    p = sub.add_parser(
        "screen",
        help="pre-screen every referral below a folder (ranked table, data return, cross-referral flags)",
        description="Screens every case folder (or .zip of one) directly below REFERRALS_DIR. Writes "
        "OUT_DIR/<case>.json, screening.csv, screening.html, data_return.csv and cross_referral.csv. "
        "Run the same command again to resume: finished work is not redone.",
    )
    p.add_argument("referrals", metavar="REFERRALS_DIR")
    p.add_argument("--out", required=True, metavar="OUT_DIR")
    p.add_argument("--ray", default=None, metavar="local|ADDRESS",
                   help="run the stages as Ray tasks: 'local' starts a Ray runtime on this machine, an "
                   "address (host:port or ray://...) joins a cluster whose nodes see the same paths")
    p.add_argument("--workers", type=int, default=None,
                   help="worker processes (default ASSISTANT_WORKERS, else the number of cores)")
    p.add_argument("--scope", default=None, metavar="FILE", help="scope criteria (default models/scope.json)")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.set_defaults(func=func)


def screen_main(args: argparse.Namespace) -> int:
    from assistant.batch.run import run_batch
    from assistant.batch.scope import ScopeConfigError

    try:
        result = run_batch(
            Path(args.referrals),
            Path(args.out),
            ray=args.ray,
            workers=args.workers,
            scope_path=Path(args.scope) if args.scope else None,
            progress=None if args.quiet else sys.stderr,
        )
    except (ScopeConfigError, NotADirectoryError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    rate = result.pages_run / result.seconds if result.seconds > 0 else 0.0
    print(f"{result.cases} referrals: {result.done} screened ({result.resumed} from an earlier run), "
          f"{result.failed} could not be; {result.pages} pages ({result.pages_run} read now, {rate:.2f} pages/s) "
          f"in {result.seconds:.1f} s")
    for x in result.summaries:
        if x["status"] != "done":
            print(f"  ! {x['case']}: {x['error']}")
        elif x.get("failed_files"):
            print(f"  ! {x['case']}: {len(x['failed_files'])} file(s) not read: " + "; ".join(x["failed_files"]))
    out = Path(args.out)
    for name in ("screening.csv", "screening.html", "data_return.csv", "cross_referral.csv"):
        print(f"Written: {out / name}")
    return 0 if result.failed == 0 else 1
