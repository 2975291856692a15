"""Start-up check: the catalogue is the truth; the index must hold exactly what it lists.

After a crash the index may lack a standard the catalogue committed (killed between
the catalogue transaction and the index commit) or hold one the catalogue dropped.
Both are repaired from the stored JSON, without parsing any PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalogue import Catalogue
from .index import SearchIndex
from .pipeline import load_standard
from .store import Library


@dataclass
class Repair:
    reindexed: list[str] = field(default_factory=list)
    removed_from_index: list[str] = field(default_factory=list)
    dropped_from_catalogue: list[str] = field(default_factory=list)  # rows whose files are gone

    @property
    def changed(self) -> bool:
        return bool(self.reindexed or self.removed_from_index or self.dropped_from_catalogue)


def check_and_repair(library: Library) -> Repair:
    repair = Repair()
    index = SearchIndex(library.index_root)
    with Catalogue(library.catalogue_path) as catalogue:
        listed = set(catalogue.shas())
        for sha in sorted(listed):
            if not library.has_extracted(sha):
                catalogue.remove(sha)
                catalogue.log(
                    sha[:12], "repaired", "catalogue row without stored original/JSON removed", sha
                )
                repair.dropped_from_catalogue.append(sha)
        listed -= set(repair.dropped_from_catalogue)
        indexed = index.indexed_shas()
        for sha in sorted(listed - indexed):
            index.replace(load_standard(library, catalogue, sha))
            repair.reindexed.append(sha)
        stale = sorted(indexed - listed)
        if stale:
            index.replace(None, removed=stale)
            repair.removed_from_index.extend(stale)
    return repair
