"""Parses carried between machines, so that a large first load is parsed on several.

Parsing is per file and independent, and it is nearly all of an ingest's time (OCR takes
minutes per scan); storing and indexing a parsed standard takes milliseconds. So each
machine runs `stdsearch parse` over its share of the PDFs, which writes one
`<sha256>.json` per file into a folder; the folders are copied to the machine that
ingests (rsync, a shared mount); and `stdsearch ingest --parsed DIR` takes each file's
parse from there instead of parsing it again. The PDFs go to that machine too: the
library keeps every original.

A parse is only used for the file whose content it was made from, and only if this
version of stdsearch made it: any other (an older parser's, a damaged file's) is passed
over, and the file is parsed again as though it were not there.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

from indexer.library.backup import stdsearch_version
from indexer.library.model import Standard
from indexer.library.store import atomic_write_bytes

log = logging.getLogger(__name__)

FORMAT = 1


def parsed_path(folder: Path, sha256: str) -> Path:
    return Path(folder) / f"{sha256}.json"


def write_parsed(folder: Path, standard: Standard) -> Path:
    """Write `standard` (whose sha256 is its file's) into `folder`, atomically: a copy
    taken while a parse runs never sees half a file."""
    target = parsed_path(folder, standard.sha256)
    record = {"format": FORMAT, "stdsearch": stdsearch_version(), "standard": standard.to_dict()}
    atomic_write_bytes(target, json.dumps(record, ensure_ascii=False).encode("utf-8"))
    return target


def read_parsed(folders: Sequence[Path], sha256: str) -> Standard | None:
    """The parse of the file with content `sha256` in the first of `folders` holding a
    usable one, or None (the file must be parsed here)."""
    for folder in folders:
        path = parsed_path(folder, sha256)
        if not path.exists():
            continue
        standard = _usable(path, sha256)
        if standard is not None:
            return standard
    return None


def _usable(path: Path, sha256: str) -> Standard | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("format") != FORMAT or record.get("stdsearch") != stdsearch_version():
            log.info("%s: made by stdsearch %s, parsing again", path, record.get("stdsearch"))
            return None
        standard = Standard.from_dict(record["standard"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        log.warning("%s: not a parse stdsearch can use (%s), parsing again", path, error)
        return None
    if standard.sha256 != sha256:
        log.warning("%s: made from another file, parsing again", path)
        return None
    return standard
