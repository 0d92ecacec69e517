"""``python -m assistant serve --host --port``: the web UI and API in one uvicorn process."""

from __future__ import annotations

import argparse
import logging
import sys


def configure_logging() -> None:
    """Ids and counts only reach the log (see api.security.AccessLog): never case text."""
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def main(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.settings import ApiSettings

    configure_logging()
    try:
        settings = ApiSettings()
    except ValueError as e:  # pydantic's ValidationError is a ValueError
        print(f"error: {e}", file=sys.stderr)
        return 2
    app = create_app(settings)
    host = getattr(args, "host", "127.0.0.1")
    port = int(getattr(args, "port", 8000))
    print(f"Serving the case review assistant at http://{host}:{port} (Ctrl+C to stop)", flush=True)
    # One process: the job runner and the SQLite writer live in it. No uvicorn access log:
    # its lines carry query strings (search words); api.security.AccessLog logs paths only.
    uvicorn.run(
        app,
        host=host,
        port=port,
        workers=1,
        access_log=False,
        log_level="info",
        timeout_graceful_shutdown=5,
        # A reviewer decides every few seconds: with uvicorn's default 5 s idle timeout the
        # server closes kept-alive connections just as the next request is sent on them.
        timeout_keep_alive=30,
    )
    return 0
