"""Decoding a list answer: JSON or JSONP, into its top-level object."""

from __future__ import annotations

import json
import re
from typing import Any

# The head of a JSONP answer: `var ajaxResult=` or `callback(` (anchored, no backtracking into the body).
_JSONP_HEAD = re.compile(r"(?:/\*\*/)?+(?:var\s++[\w$]++\s*+=|[\w$.]++\s*+\()\s*+")  # `/**/`: a common JSONP guard


class FeedError(ValueError):
    """A feed page that cannot be read at all (not JSON, wrong shape, an error answer)."""

    refusal = False


class Refused(FeedError):
    """An answer that is the source refusing, not "nothing listed": counted as a refusal, never as no news."""

    refusal = True


def unwrap_jsonp(text: str) -> str | None:
    """The JSON inside `var x={…};` or `cb({…});`, by an anchored head and string ends: linear in any input."""
    head = _JSONP_HEAD.match(text)
    if head is None:
        return None
    body = text[head.end():].rstrip().removesuffix(";").rstrip()
    if head.group().rstrip().endswith("("):
        body = body.removesuffix(")").rstrip()
    return body


def decode_payload(text: str) -> dict[str, Any]:
    """Decode a feed answer that is JSON or JSONP into its top-level object."""
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        raise FeedError("empty answer")
    try:
        payload = json.loads(stripped)
    except RecursionError:
        raise FeedError("JSON nested too deeply to read") from None
    except json.JSONDecodeError:
        body = unwrap_jsonp(stripped)
        if body is None:
            raise FeedError(f"neither JSON nor JSONP: {stripped[:60]!r}") from None
        try:
            payload = json.loads(body)
        except RecursionError:
            raise FeedError("JSON nested too deeply to read") from None
        except json.JSONDecodeError as exc:
            raise FeedError(f"malformed JSONP body: {exc}") from None
    if not isinstance(payload, dict):
        raise FeedError(f"expected a JSON object, got {type(payload).__name__}")
    return payload
