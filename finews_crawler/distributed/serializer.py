"""JSON for requests in the shared Redis queue, instead of scrapy-redis's default pickle.

Unpickling runs code, so with pickle anyone who can write to the Redis
server can run code on every worker.  A request dict (`Request.to_dict`)
is plain data except for bytes (body, headers) and bytes-keyed mappings
(headers); those are tagged, everything else is JSON as is.  Decoding
yields only plain data; the callback is looked up by name on the spider.
"""

from __future__ import annotations

import base64
import json
from typing import Any

_BYTES = "__bytes__"
_PAIRS = "__pairs__"


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value) and not ({_BYTES, _PAIRS} & value.keys()):
            return {key: _encode(item) for key, item in value.items()}
        return {_PAIRS: [[_encode(key), _encode(item)] for key, item in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot put a {type(value).__name__} into the shared queue: {value!r}")


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if value.keys() == {_BYTES}:
            return base64.b64decode(value[_BYTES])
        if value.keys() == {_PAIRS}:
            return {_decode(key): _decode(item) for key, item in value[_PAIRS]}
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value


def dumps(obj: Any) -> bytes:
    return json.dumps(_encode(obj), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> Any:
    return _decode(json.loads(data))
