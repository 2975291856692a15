"""Read-side access to the library: find a standard by any spelling of its number."""

from __future__ import annotations

from analyzers.stdno import parse_std_no

from .catalogue import Catalogue
from .model import Standard
from .store import Library


def resolve_sha(catalogue: Catalogue, std_no: str) -> str | None:
    """The catalogue entry for a number typed in any spelling (`gb/t7714-2015`, …)."""
    shas = catalogue.find(std_no=std_no)
    if not shas:
        number = parse_std_no(std_no)
        if number is not None:
            shas = catalogue.find(std_no=str(number))
            if not shas and number.year is None:
                editions = [
                    e
                    for e in catalogue.all_metadata()
                    if (parse_std_no(e["std_no"]) or number).undated == number.undated
                    and e["std_no"]
                ]
                editions.sort(key=lambda e: e["std_no"])
                shas = [editions[-1]["sha256"]] if editions else []
    if not shas and len(std_no) == 64:
        shas = [std_no] if catalogue.has(std_no) else []
    return shas[0] if shas else None


def find_standard(library: Library, std_no: str) -> Standard | None:
    with Catalogue(library.catalogue_path) as catalogue:
        sha = resolve_sha(catalogue, std_no)
        return load_standard(library, catalogue, sha) if sha else None


def library_stats(library: Library) -> dict[str, int]:
    with Catalogue(library.catalogue_path) as catalogue:
        entries = catalogue.all_metadata()
        clauses = terms = 0
        for entry in entries:
            standard = library.load_extracted(entry["sha256"])
            clauses += len(standard.clauses)
            terms += len(standard.terms)
    return {
        "standards": len(entries),
        "pages": sum(e.get("pages", 0) for e in entries),
        "clauses": clauses,
        "terms": terms,
        "needs_ocr": sum(1 for e in entries if e.get("needs_ocr")),
    }


def load_standard(library: Library, catalogue: Catalogue, sha: str) -> Standard:
    """The stored parse with the catalogue's current metadata (status, librarian edits) on top."""
    standard = library.load_extracted(sha)
    metadata = catalogue.metadata(sha) or {}
    structure = {
        "clauses": standard.clauses,
        "terms": standard.terms,
        "references": standard.references,
        "tables": standard.tables,
    }
    merged = Standard.from_dict({**standard.to_dict(structure=False), **metadata})
    merged.clauses, merged.terms, merged.references, merged.tables = (
        structure["clauses"],
        structure["terms"],
        structure["references"],
        structure["tables"],
    )
    return merged
