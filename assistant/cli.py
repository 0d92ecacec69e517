"""Command line: ``python -m assistant review|screen|learning-report|eval|search|demo|serve|learn|audit``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from assistant import config as _config  # noqa: F401  (sets offline model flags first)
from assistant.batch.cli import add_screen_parser, screen_main
from assistant.console import format_hits, format_review, progress_bar
from assistant.errors import AssistantError
from assistant.index.store import (
    CaseIndex,
    build_case_index,
    load_case_index,
    open_case_index,
    saved_index_is_fresh,
)
from assistant.ingest import ingest_case
from assistant.pipeline import review_case, write_review

# The web workbench, the evaluation and the retraining load FastAPI, SQLAlchemy or torch: they
# are imported by their own commands only, so that ``review`` and ``--help`` start fast.


def cmd_review(args: argparse.Namespace) -> int:
    out_dir = Path(args.out)
    rc = 0
    for case_dir in args.case_dirs:
        try:
            review = review_case(Path(case_dir), progress=progress_bar(args.quiet))
        except AssistantError as e:
            print(f"error: {e}", file=sys.stderr)
            rc = 1
            continue
        path = write_review(review, out_dir)
        if not args.quiet:
            print(format_review(review))
            print(f"\nWritten: {path}")
        if not args.no_index:
            # The full search index is built after the suggestions are out (it embeds every
            # sentence: the slowest step on a large bundle).
            try:
                index_path = build_case_index(review, out_dir, progress=progress_bar(args.quiet))
            except AssistantError as e:
                print(f"error: search index for {review.case} not built: {e}", file=sys.stderr)
                rc = 1
            else:
                if not args.quiet:
                    print(f"Search index: {index_path}  (python -m assistant search "
                          f"{case_dir} \"your question\" --out {out_dir})")
    return rc


def search_cli(
    case_dir: Path, query: str, *, out_dir: Path, k: int, stdout: TextIO | None = None
) -> int:
    """Search one case by meaning and print the ``k`` closest passages with citations.

    Uses the index saved by ``review`` when it matches the case's files; otherwise ingests
    the case and builds it (a progress bar on stderr when it is a terminal). Returns the exit
    status: 0 on success, 1 when the case folder or the query is unusable.
    """
    out = stdout or sys.stdout
    case_dir = Path(case_dir)
    out_dir = Path(out_dir)
    if not case_dir.is_dir():
        print(
            f"error: {case_dir}: not a directory. Give the folder that holds one case's files.",
            file=sys.stderr,
        )
        return 1
    if not query.strip():
        print(
            'error: the query is empty. Example: search CASE_DIR "was the CCTV viewed"',
            file=sys.stderr,
        )
        return 1
    if k < 1:
        print("error: -k must be 1 or more.", file=sys.stderr)
        return 1

    index: CaseIndex | None = None
    if saved_index_is_fresh(case_dir, out_dir):
        index = load_case_index(out_dir, case_dir.name)
    if index is None:
        print(f"Indexing {case_dir.name} (first search, or its files changed)...", file=sys.stderr)
        progress = progress_bar(False)
        try:
            documents, errors = ingest_case(case_dir, progress=progress)
            index = open_case_index(
                case_dir.name,
                documents,
                out_dir,
                unreadable=[e.document for e in errors],
                progress=progress,
            )
        except AssistantError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        for err in errors:
            print(f"! not searched: {err.document}: {err.reason}", file=sys.stderr)
    print(format_hits(index, query, index.search(query, k)), file=out)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    return search_cli(Path(args.case_dir), args.query, out_dir=Path(args.out), k=args.k)


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.runner import main as eval_main

    return eval_main(args)


def cmd_demo(args: argparse.Namespace) -> int:
    from api.demo import main as demo_main

    return demo_main(args)


def cmd_serve(args: argparse.Namespace) -> int:
    from api.server import main as serve_main

    return serve_main(args)


def cmd_audit(args: argparse.Namespace) -> int:
    from api.audit_cli import main as audit_main

    return audit_main(args)


def cmd_learn(args: argparse.Namespace) -> int:
    from api.settings import ApiSettings
    from assistant.nlp.clause_model import ClauseModelError, TrainSettings, user_dir
    from assistant.workbench.db import make_engine, session_factory
    from assistant.workbench.learn import learn

    settings = ApiSettings()
    engine = make_engine(args.database_url or settings.url)
    model_dir = Path(args.model_dir) if args.model_dir else user_dir()
    train = TrainSettings(epochs=args.epochs) if args.epochs else None
    try:
        with session_factory(engine)() as session:
            results = learn(session, model_dir=model_dir, tasks=args.task or ("victim_blaming", "action_status"),
                            dry_run=args.dry_run, force=args.force, max_base=args.max_base, settings=train)
    except ClauseModelError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    for r in results:
        gain = f"{r.metric} gain {r.gain:+.3f}" if r.n_holdout else "no held-out decisions"
        print(f"{r.task}: {r.base_version} -> {r.new_version or '-'} ({gain}); {r.message}")
    if model_dir.resolve() != user_dir().resolve():
        print(f"note: the assistant reads learned versions from {user_dir()}; set "
              f"ASSISTANT_CLAUSE_MODEL_DIR={model_dir} to use these")
    return 0


def cmd_screen(args: argparse.Namespace) -> int:
    return screen_main(args)


def cmd_learning_report(args: argparse.Namespace) -> int:
    from assistant.workbench.learning import learning_report_main

    return learning_report_main(args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m assistant",
        description="Case file review assistant: cited suggestions for a human reviewer.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("review", help="review one or more case folders")
    r.add_argument("case_dirs", nargs="+", metavar="CASE_DIR")
    r.add_argument("--out", default="out", metavar="OUT_DIR", help="where <case>.json goes")
    r.add_argument("--quiet", action="store_true", help="print nothing but errors")
    r.add_argument("--no-index", action="store_true", help="skip building the search index")
    r.set_defaults(func=cmd_review)

    from assistant.workbench.learning import add_learning_report_parser

    add_screen_parser(sub, cmd_screen)
    add_learning_report_parser(sub, cmd_learning_report)

    s = sub.add_parser("search", help="search one case by meaning, with citations")
    s.add_argument("case_dir", metavar="CASE_DIR")
    s.add_argument("query")
    s.add_argument("--out", default="out", metavar="OUT_DIR")
    s.add_argument("-k", type=int, default=5, help="how many passages")
    s.set_defaults(func=cmd_search)

    e = sub.add_parser("eval", help="review and score a labelled set (FORMATS.md section 4)")
    e.add_argument("labelled_dir", metavar="LABELLED_DIR")
    e.add_argument("--json", action="store_true", help="print the scores as JSON")
    e.add_argument("--out", default=None, metavar="OUT_DIR", help="also write each review")
    e.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples of cases")
    e.add_argument("--seed", type=int, default=20250331, help="bootstrap random seed")
    e.set_defaults(func=cmd_eval)

    d = sub.add_parser("demo", help="review the bundled samples, then serve the web UI")
    d.add_argument("--no-serve", action="store_true")
    d.add_argument("--host", default="127.0.0.1")
    d.add_argument("--port", type=int, default=8000)
    d.set_defaults(func=cmd_demo)

    v = sub.add_parser("serve", help="serve the web UI and API")
    v.add_argument("--host", default="127.0.0.1")
    v.add_argument("--port", type=int, default=8000)
    v.set_defaults(func=cmd_serve)

    lr = sub.add_parser("learn", help="retrain the clause classifiers on reviewers' decisions")
    lr.add_argument("--task", action="append", choices=["victim_blaming", "action_status"])
    lr.add_argument("--dry-run", action="store_true", help="train and score, write nothing")
    lr.add_argument("--force", action="store_true", help="make the new version current even if worse")
    lr.add_argument("--database-url", default=None, help="default: the workbench's (ASSISTANT_DATABASE_URL)")
    lr.add_argument("--model-dir", default=None, help="default: <data dir>/clause_classifiers")
    lr.add_argument("--max-base", type=int, default=None, help="use at most N bundled clauses")
    lr.add_argument("--epochs", type=int, default=None)
    lr.set_defaults(func=cmd_learn)

    a = sub.add_parser("audit", help="verify the hash-chained audit trail")
    a.add_argument("action", choices=["verify"])
    a.set_defaults(func=cmd_audit)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
