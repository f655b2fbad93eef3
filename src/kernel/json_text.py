"""JSON text as Python values a database can store: one reader for API bodies and files.

Python's parser accepts two things neither database can store or that crash later: half
of a UTF-16 surrogate pair (``"\\ud800"``, escaped or as UTF-8 bytes), and nesting deep
enough to exhaust the interpreter's stack. Both are refused here with a plain message.
"""

from __future__ import annotations

import json
from pathlib import Path


class JsonTextError(ValueError):
    """The text is not JSON this application can use. The message says why as a predicate
    ("is not valid JSON: …"), to follow what the caller names: "The body", a file name."""


def load_json_text(raw: bytes | str) -> object:
    """The JSON value of ``raw``.

    :raises JsonTextError: for malformed JSON, text that is not UTF-8, nesting too deep to
        parse, or a string holding half of a surrogate pair.
    """
    too_deep = JsonTextError("is nested too deeply to be read as JSON")
    try:
        data = json.loads(raw)
    except RecursionError:
        raise too_deep from None
    except UnicodeDecodeError:
        raise JsonTextError("is not valid JSON: it is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        where = f"at line {error.lineno}, column {error.colno}"
        raise JsonTextError(f"is not valid JSON: {error.msg} {where}") from None
    except ValueError as error:
        raise JsonTextError(f"is not valid JSON: {error}") from None
    try:
        # Encoding the whole value finds half a surrogate pair at C speed.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise JsonTextError(
            "is not valid JSON text: it holds half of a surrogate pair (an escape from "
            "\\ud800 to \\udfff without its other half)"
        ) from None
    except RecursionError:
        raise too_deep from None
    return data


def load_json_file(path: Path) -> object:
    """The JSON value in the file at ``path``.

    :raises JsonTextError: as :func:`load_json_text`, naming the file, or when it cannot
        be read.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise JsonTextError(f"Cannot read {path}: {error.strerror}.") from None
    try:
        return load_json_text(raw)
    except JsonTextError as error:
        raise JsonTextError(f"{path} {error}.") from None
