"""Is a clause outline plausible? Checks that need no gold outline.

Scanned standards have no gold outline, and OCR can drop or invent a heading. What any
GB/T 1.1 outline must satisfy can still be checked: chapters numbered 1, 2, 3 … without
gaps and in reading order, annexes lettered A, B, C …, page numbers that never go
backwards and stay inside the document. A librarian reads the report to decide which
documents need a look.

    python -m indexer.parse.outline_check --data DIR [--all]
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field

from indexer.library.model import Standard

_CHAPTER = re.compile(r"^\d{1,2}$")
_ANNEX = re.compile(r"^附录([A-Z])$")


@dataclass
class OutlineCheck:
    std_no: str
    pages: int
    chapters: list[str] = field(default_factory=list)
    annexes: list[str] = field(default_factory=list)
    clauses: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def plausible(self) -> bool:
        return bool(self.chapters) and not self.problems


def check_outline(standard: Standard) -> OutlineCheck:
    check = OutlineCheck(standard.std_no, standard.pages, clauses=len(standard.clauses))
    clauses = sorted(standard.clauses, key=lambda c: c.order)
    check.chapters = [c.clause_no for c in clauses if c.level == 1 and _CHAPTER.match(c.clause_no)]
    check.annexes = [
        m.group(1) for c in clauses if c.level == 1 and (m := _ANNEX.match(c.clause_no))
    ]
    numbers = [int(n) for n in check.chapters]
    expected = list(range(1, len(numbers) + 1))
    if numbers != expected:
        missing = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
        if missing:
            check.problems.append(f"chapters missing: {', '.join(map(str, missing))}")
        if numbers != sorted(numbers) or len(set(numbers)) != len(numbers):
            check.problems.append(f"chapters out of order: {' '.join(check.chapters)}")
    letters = [ord(a) - ord("A") for a in check.annexes]
    if letters != list(range(len(letters))):
        check.problems.append(f"annexes not A, B, C …: {''.join(check.annexes)}")
    previous = None
    for clause in clauses:
        if not 1 <= clause.page_start <= clause.page_end <= max(standard.pages, 1):
            check.problems.append(
                f"{clause.clause_no}: pages {clause.page_start}-{clause.page_end} "
                f"outside 1-{standard.pages}"
            )
        if previous is not None and clause.page_start < previous.page_start:
            check.problems.append(
                f"{clause.clause_no} on p. {clause.page_start} after "
                f"{previous.clause_no} on p. {previous.page_start}"
            )
        previous = clause
    return check


def main() -> None:
    from indexer.library.catalogue import Catalogue
    from indexer.library.store import Library

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="instance", help="Library directory.")
    parser.add_argument("--all", action="store_true", help="Every standard, not only OCR'd ones.")
    args = parser.parse_args()
    library = Library.open(args.data)
    with Catalogue(library.catalogue_path) as catalogue:
        entries = sorted(catalogue.all_metadata(), key=lambda e: e["source_file"])
    print("file\tstd_no\tOCR pages\tchapters\tannexes\tclauses\tplausible\tproblems")
    for entry in entries:
        standard = library.load_extracted(entry["sha256"])
        if not (args.all or standard.ocr_pages or standard.needs_ocr):
            continue
        check = check_outline(standard)
        print(
            f"{standard.source_file}\t{check.std_no}\t{len(standard.ocr_pages)}/{check.pages}\t"
            f"{len(check.chapters)}\t{''.join(check.annexes) or '-'}\t{check.clauses}\t"
            f"{'yes' if check.plausible else 'NO'}\t{'; '.join(check.problems[:3])}"
        )


if __name__ == "__main__":
    main()
