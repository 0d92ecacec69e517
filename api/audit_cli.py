"""``python -m assistant audit verify``: recompute the audit trail's hash chain.

Prints ``OK: N audit events, chain intact`` and exits 0, or names the first event that does
not fit the chain and exits 1.
"""

from __future__ import annotations

import argparse
import sys


def main(args: argparse.Namespace) -> int:
    from api.settings import ApiSettings
    from assistant.workbench.audit import verify_chain
    from assistant.workbench.db import make_engine, session_factory

    try:
        settings = ApiSettings()
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    engine = make_engine(settings.url)
    try:
        cfg = settings.audit_config()
        with session_factory(engine, info={"audit": cfg})() as s:
            check = verify_chain(s, cfg)
    except Exception as e:  # noqa: BLE001 - e.g. no database yet
        print(
            f"error: cannot read the audit trail at {settings.url.split('@')[-1]}: "
            f"{type(e).__name__}. Has the server been started once?",
            file=sys.stderr,
        )
        return 2
    finally:
        engine.dispose()
    if check.ok:
        print(f"OK: {check.count} audit events, chain intact")
        return 0
    print(
        f"BROKEN at audit event #{check.broken_id}: {check.reason}. "
        f"The {check.count} event(s) before it verify."
    )
    return 1
