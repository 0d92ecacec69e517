"""The suggestion's version on the wire: a strong ETag, sent back in ``If-Match`` (RFC 9110).

The workbench speaks versions (integers); headers are an HTTP idea and stay in the API.
"""

from __future__ import annotations

import re

from assistant.errors import PreconditionFailed, PreconditionRequired


def etag(version: int) -> str:
    """A strong validator for one version of a suggestion."""
    return f'"{version}"'


def parse_if_match(value: str | None) -> int:
    """The version an ``If-Match`` header names. PreconditionRequired (428) without one,
    PreconditionFailed (412) for a weak or malformed validator."""
    if value is None or not value.strip():
        raise PreconditionRequired(
            "This change needs the suggestion's version: send its ETag in an If-Match header "
            "(reload the suggestion to get it)."
        )
    # If-Match compares strongly (RFC 9110 13.1.1): a weak validator never matches.
    m = re.fullmatch(r'"([0-9]{1,10})"', value.strip())
    if m is None:
        raise PreconditionFailed(
            "The If-Match header does not name a version of this suggestion. Reload it and try again."
        )
    return int(m.group(1))
