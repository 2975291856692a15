"""The SphinxQL engine: the library's index on a sharded cluster (Sphinx 2.2, Manticore).

* **Writes go to the shards**, all documents of a standard to one (`shard_of`), so counts
  per standard stay exact; each standard is replaced in one transaction of its shard.
  A shard that does not answer does not lose the write: the standard goes to the
  library's outbox (`indexer.library.outbox`) and is written again, from the library,
  before the next write and whenever `drain` is called.
* **Reads go to the aggregator**, whose distributed table scatters each query over the
  shards and merges the answers. A shard that is down leaves a warning, not an error:
  the answer is then marked partial (`Matches.partial`).
* **Generations.** Each node has two tables, `clauses_0` and `clauses_1`; a file in the
  library's index folder names the current one. A rebuild fills the other and then
  points the file at it, so searches never see a half-built or empty library.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from pathlib import Path
from typing import Any, TypeVar

import jieba
import pymysql

from analyzers.chinese import tokens
from analyzers.segmenter import dictionary_fingerprint, user_words
from indexer.engine.documents import TEXT_FIELDS, facet_values
from indexer.engine.interface import Candidate, DictionaryMismatch, EngineUnavailable, Matches
from indexer.engine.plan import AnyOf, Condition, QueryPlan
from indexer.library.dictionary import learn_words
from indexer.library.model import Standard
from indexer.library.outbox import Outbox
from indexer.library.store import Library, atomic_write_bytes

from .cluster import Cluster, cluster_folder, shard_of
from .connection import connect
from .query import SCORE_SCALE, build
from .rows import ORDER_BITS, doc_number, rows
from .schema import ATTRIBUTES, FIELDS, table, token_word

log = logging.getLogger(__name__)
T = TypeVar("T")

GENERATION = "sphinxql-generation"  # in the library's index folder: 0 or 1
DICTIONARY = "sphinxql-dictionary.json"
BATCH = 200  # rows per INSERT
# Rows a listing (every standard matched, every value of a field) is first asked for;
# ten times more while an answer fills them (`_whole`).
FIRST_ROOM = 10_000
# Candidates whose stored fields a snapshot reads along with the one asked for: a page
# shows a few dozen clauses, nearly all among the best candidates.
READ_AHEAD = 60
CANDIDATE_COLUMNS = (
    "id, sha256, is_standard, clause_no, heading_key, clause_kind, `order`, has_text"
)
# Stored fields as the search core knows them (Whoosh's names) from the table's columns.
STORED_NAMES = {
    "title_text": "title",
    "title_en_text": "title_en",
    "heading_text": "heading",
    "body_text": "body",
    "term_en_text": "term_en",
}


class SphinxEngine:
    """`interface.SearchEngine` over a cluster described by `cluster.json`."""

    name = "sphinxql"

    def __init__(self, library: Library, cluster: Cluster):
        self.library = library
        self.cluster = cluster
        self._local = threading.local()

    # -- the generation ------------------------------------------------------------------

    def generation(self) -> int:
        try:
            return int((self.library.index_root / GENERATION).read_text().strip() or 0)
        except (OSError, ValueError):
            return 0

    def _point_to(self, generation: int) -> None:
        self.library.index_root.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.library.index_root / GENERATION, str(generation).encode())

    # -- connections ---------------------------------------------------------------------

    def _aggregator(self) -> pymysql.connections.Connection:
        """This thread's connection to the aggregator, opened again when it broke."""
        conn = getattr(self._local, "aggregator", None)
        if conn is None or not conn.open:
            try:
                conn = connect(self.cluster.aggregator)
            except pymysql.MySQLError as error:
                raise EngineUnavailable(f"the search cluster does not answer: {error}") from None
            self._local.aggregator = conn
        return conn

    # -- writing -------------------------------------------------------------------------

    def update(self, standards: Sequence[Standard], removed: Sequence[str] = ()) -> None:
        learn_words(standards)
        with self.library.write_lock(), Outbox(self.library.catalogue_path) as outbox:
            self._drain(outbox)
            self._write(outbox, table(self.generation()), standards, removed)
            self._record_dictionary()

    def drain(self) -> int:
        """Write what the outbox holds to the shards that answer; returns what is left."""
        with self.library.write_lock(), Outbox(self.library.catalogue_path) as outbox:
            self._drain(outbox)
            return outbox.pending()

    def pending(self) -> int:
        with Outbox(self.library.catalogue_path) as outbox:
            return outbox.pending()

    def _drain(self, outbox: Outbox) -> None:
        owed = outbox.owed()
        if not owed:
            return
        from indexer.library.catalogue import Catalogue
        from indexer.library.lookup import load_standard

        with Catalogue(self.library.catalogue_path) as catalogue:
            listed = set(catalogue.shas())
            standards = [
                load_standard(self.library, catalogue, o.sha256)
                for o in owed
                if not o.removed and o.sha256 in listed
            ]
        removed = [o.sha256 for o in owed if o.removed or o.sha256 not in listed]
        self._write(outbox, table(self.generation()), standards, removed)

    def _write(
        self, outbox: Outbox, into: str, standards: Sequence[Standard], removed: Sequence[str]
    ) -> None:
        """Each standard replaced on its shard in one transaction; the standards of a shard
        that fails stay in the outbox, the others are paid."""
        numbers = outbox.numbers([s.sha256 for s in standards])
        by_shard: dict[int, list[Standard | str]] = {}
        for item in [*standards, *removed]:
            by_shard.setdefault(shard_of(_sha(item), self.cluster.shards), []).append(item)
        for shard, items in by_shard.items():
            done: list[str] = []
            try:
                with self._shard_connections(shard) as connections:
                    for item in items:
                        for conn in connections:
                            _replace(conn, into, item, numbers)
                        done.append(_sha(item))
            except pymysql.MySQLError as error:
                left = [item for item in items if _sha(item) not in done]
                log.warning("shard %d did not take %d write(s): %s", shard, len(left), error)
                written = [_sha(i) for i in left if not isinstance(i, str)]
                outbox.owe(written, removed=False, error=str(error))
                outbox.owe([i for i in left if isinstance(i, str)], removed=True, error=str(error))
            outbox.paid(done)

    def cluster_frequencies(self, into: str, field: str, words: list[str]) -> dict[str, int]:
        """How often each token occurs in `field` over the whole cluster (`CALL KEYWORDS`
        on each shard, which knows only its own table, summed)."""
        found: Counter = Counter()
        text = " ".join(token_word(w) for w in words)
        by_word = {token_word(w): w for w in words}
        for shard in range(self.cluster.shards):
            first = self.cluster.copies(shard)[0]
            with _Connections([connect(first)]) as (conn,), conn.cursor() as cursor:
                cursor.execute(f"CALL KEYWORDS(%s, '{into}', 1)", (text,))
                for row in cursor.fetchall():
                    word, hits = row[1], int(row[-1])
                    if word in by_word:
                        found[by_word[word]] += hits
        return dict(found)

    def document_count(self, into: str) -> int:
        return int(self._select(f"SELECT COUNT(*) FROM {into}")[0][0])

    def _shard_connections(self, shard: int):
        """Connections to every copy of a shard: a write goes to each."""
        return _Connections([connect(node) for node in self.cluster.copies(shard)])

    def rebuild(
        self, standards: Iterable[Standard], progress: Callable[[Standard], None] | None = None
    ) -> int:
        count = 0
        with self.library.write_lock(), Outbox(self.library.catalogue_path) as outbox:
            current = self.generation()
            into = table(1 - current)
            connections = [
                [connect(node) for node in self.cluster.copies(shard)]
                for shard in range(self.cluster.shards)
            ]
            try:
                for mirrors in connections:
                    for conn in mirrors:
                        _add_missing_attributes(conn, into)
                        _execute(conn, f"TRUNCATE RTINDEX {into}")
                pending: dict[int, list[dict]] = {}
                for standard in standards:
                    learn_words([standard])
                    number = outbox.numbers([standard.sha256])[standard.sha256]
                    shard = shard_of(standard.sha256, self.cluster.shards)
                    pending.setdefault(shard, []).extend(rows(standard, number))
                    if len(pending[shard]) >= BATCH:
                        _insert_all(connections[shard], into, pending.pop(shard))
                    count += 1
                    if progress:
                        progress(standard)
                for shard, batch in pending.items():
                    _insert_all(connections[shard], into, batch)
                self._point_to(1 - current)
                outbox.paid([o.sha256 for o in outbox.owed()])
                # The old generation's rows are no longer read: free their memory.
                for mirrors in connections:
                    for conn in mirrors:
                        _execute(conn, f"TRUNCATE RTINDEX {table(current)}")
            finally:
                for conn in chain.from_iterable(connections):
                    conn.close()
            self._record_dictionary()
        return count

    # -- reading -------------------------------------------------------------------------

    def read(self, work: Callable[[SphinxSnapshot], T]) -> T:
        return work(SphinxSnapshot(self, table(self.generation())))

    def indexed_shas(self) -> set[str]:
        into = table(self.generation())
        found = _whole(
            self._select,
            lambda room: (
                f"SELECT sha256 FROM {into} WHERE is_standard = 1"
                f" LIMIT {room} OPTION max_matches = {room}"
            ),
        )
        return {sha for (sha,) in found}

    def dictionary_words(self) -> set[str]:
        recorded = self._recorded_dictionary()
        return set(recorded["words"]) if recorded else set()

    def check_dictionary(self) -> None:
        recorded = self._recorded_dictionary()
        if recorded and recorded["fingerprint"] != dictionary_fingerprint():
            raise DictionaryMismatch(
                f"the search cluster was written with jieba dictionary"
                f" {recorded['fingerprint']}, queries use {dictionary_fingerprint()}:"
                " words may not be found as they were indexed; run `stdsearch reindex`"
            )

    def missing_fields(self) -> list[str]:
        """Columns of `schema` the current table lacks on a copy that answers. An RT
        table keeps the schema it was made with, whatever the config says later; a
        rebuild adds the missing attributes (`ALTER TABLE … ADD COLUMN`)."""
        missing: set[str] = set()
        current = table(self.generation())
        for shard in range(self.cluster.shards):
            for node in self.cluster.copies(shard):
                try:
                    conn = connect(node)
                except pymysql.MySQLError:
                    continue  # a copy that is down: the outbox's concern, not the schema's
                try:
                    missing |= (set(FIELDS) | set(ATTRIBUTES)) - _columns(conn, current)
                except pymysql.MySQLError:
                    continue
                finally:
                    conn.close()
        return sorted(missing)

    def _record_dictionary(self) -> None:
        record = {
            "fingerprint": dictionary_fingerprint(),
            "jieba": jieba.__version__,
            "words": sorted(user_words()),
        }
        path = self.library.index_root / DICTIONARY
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, json.dumps(record, ensure_ascii=False).encode())

    def _recorded_dictionary(self) -> dict | None:
        try:
            return json.loads((self.library.index_root / DICTIONARY).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _select(self, sql: str, args: Sequence = ()) -> list[tuple]:
        """Rows of a query to the aggregator; `EngineUnavailable` when it is down."""
        rows_, _ = self._query(sql, args)
        return rows_

    def _query(
        self, sql: str, args: Sequence = (), rows_as=pymysql.cursors.Cursor
    ) -> tuple[list, list[str]]:
        """Rows (tuples, or what cursor class `rows_as` makes of them) and the warnings
        the aggregator gave with them (a shard that did not answer)."""
        conn = self._aggregator()
        try:
            with conn.cursor(rows_as) as cursor:
                cursor.execute(sql, tuple(args))
                found = list(cursor.fetchall())
            with conn.cursor() as cursor:
                cursor.execute("SHOW WARNINGS")
                warnings = [str(row[2]) for row in cursor.fetchall()]
        except pymysql.err.OperationalError as error:
            conn.close()
            raise EngineUnavailable(f"the search cluster does not answer: {error}") from None
        except pymysql.err.ProgrammingError as error:
            if not _no_shard_answered(error):
                raise
            raise EngineUnavailable(f"no shard of the search cluster answered: {error}") from None
        return found, warnings


class SphinxSnapshot:
    """`interface.Snapshot` over the aggregator. Sphinx has no snapshots: refs are row ids,
    which stay valid until their standard is written again."""

    def __init__(self, engine: SphinxEngine, table_name: str):
        self.engine = engine
        self.table = table_name
        self.partial = False
        self._stored: dict[int, dict[str, Any]] = {}
        self._ahead: list[int] = []  # the candidates of the last match, best first

    def _query(self, sql: str, args: Sequence = (), rows_as=pymysql.cursors.Cursor) -> list:
        found, warnings = self.engine._query(sql, args, rows_as)
        if warnings:
            log.warning("partial answer from the cluster: %s", "; ".join(warnings))
            self.partial = True
        return found

    def match(self, plan: QueryPlan, k: int) -> Matches:
        query = build(plan)
        where, args = query.clause()
        if plan.browses:
            conditions = where + (" AND " if where else " WHERE ") + "is_standard = 1"
            found = self._query(
                f"SELECT {CANDIDATE_COLUMNS} FROM {self.table}{conditions}"
                f" ORDER BY id ASC LIMIT {k} OPTION max_matches = {k}, ranker = none",
                args,
            )
            candidates = [_candidate(row, 1.0) for row in found]
        else:
            found = self._query(
                f"SELECT {CANDIDATE_COLUMNS}, WEIGHT() FROM {self.table}{where}"
                f" ORDER BY WEIGHT() DESC, id ASC LIMIT {k} {query.options},"
                f" max_matches = {k}",
                args,
            )
            candidates = [_candidate(row[:-1], row[-1] / SCORE_SCALE) for row in found]
        self._ahead = [c.ref for c in candidates]
        counts, matched, facets = self._counts(where, args, plan.facets)
        return Matches(
            candidates=candidates,
            standards=self._standards({c.sha256: c.ref for c in candidates}),
            clause_counts=counts,
            matched=matched,
            facets=facets,
            partial=self.partial,
        )

    def _counts(self, where: str, args: Sequence, facets: Sequence[str]):
        """Matching clauses per standard and facets over the standards matched: one row
        per standard from the cluster, grouped there."""
        found = _whole(
            self._query,
            lambda room: (
                "SELECT sha256, COUNT(*), SUM(is_standard), status, level, kind,"
                f" region, ics, year, adopts_org, degree FROM {self.table}{where}"
                f" GROUP BY sha256 LIMIT {room}"
                f" OPTION max_matches = {room}, ranker = none"
            ),
            args,
        )
        counts: dict[str, int] = {}
        pairs: Counter = Counter()
        for sha, count, own, status, level, kind, region, ics, year, orgs, degree in found:
            if count - own:
                counts[sha] = count - own
            metadata = {"status": status, "level": level, "kind": kind, "region": region}
            adoption = {"adopts_org": orgs, "degree": degree}
            pairs.update(facet_values({**metadata, "ics": ics, "year": year, **adoption}))
        by_facet: dict[str, Counter] = {name: Counter() for name in facets}
        for (name, value), count in pairs.items():
            if name in by_facet:
                by_facet[name][value] = count
        sorted_facets = {
            name: sorted(c.items(), key=lambda kv: (-kv[1], kv[0])) for name, c in by_facet.items()
        }
        return counts, {row[0] for row in found}, sorted_facets

    def _standards(self, refs: dict[str, int]) -> dict[str, dict[str, Any]]:
        """The stored fields of each standard's own document: the high bits of a row id
        are its standard's number, and the standard's own document is row 1 of it."""
        ids = {sha: (ref >> ORDER_BITS) << ORDER_BITS | 1 for sha, ref in refs.items()}
        found = self._rows(list(ids.values()))
        return {sha: found.get(ref, {}) for sha, ref in ids.items()}

    def _rows(self, refs: Sequence[int]) -> dict[int, dict[str, Any]]:
        wanted = [ref for ref in dict.fromkeys(refs) if ref not in self._stored]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join(str(int(ref)) for ref in chunk)
            found = self._query(
                f"SELECT * FROM {self.table} WHERE id IN ({marks})"
                f" LIMIT {len(chunk)} OPTION max_matches = {max(len(chunk), 1)}",
                rows_as=pymysql.cursors.DictCursor,
            )
            for row in found:
                self._stored[row["id"]] = _stored(row)
        return {ref: self._stored[ref] for ref in refs if ref in self._stored}

    def lead(self, sha256: str) -> Candidate | None:
        found = self._query(
            f"SELECT {CANDIDATE_COLUMNS} FROM {self.table} WHERE MATCH(%s) AND is_standard = 0"
            " ORDER BY lead_rank ASC, id ASC LIMIT 1 OPTION ranker = none",
            (f"@filter_keys {token_word('sha256=' + sha256)}",),
        )
        return _candidate(found[0], 0.0) if found else None

    def stored(self, ref: int) -> dict[str, Any]:
        """A page reads its clauses one by one: the first not read yet brings the next
        `READ_AHEAD` candidates with it, one query to the cluster instead of one each."""
        if ref not in self._stored:
            ahead = [r for r in self._ahead if r not in self._stored and r != ref]
            self._rows([ref, *ahead[:READ_AHEAD]])
        return self._stored.get(ref, {})

    def find(self, doc_id: str) -> int | None:
        sha, _, order = doc_id.partition(":")
        with Outbox(self.engine.library.catalogue_path) as outbox:
            number = outbox.number(sha)
        if number is None:
            return None
        ref = doc_number(number, -1 if order == "std" else int(order))
        return ref if self._rows([ref]) else None

    def more_like(self, ref: int, field: str, limit: int, numterms: int) -> list[Candidate]:
        """The document's most telling words in `field` (Bo1, as Whoosh weighs them, with
        the cluster's collection frequencies), searched as an OR of the field."""
        text = self.stored(ref).get(field) or ""
        counts = Counter(token for _, token in tokens(TEXT_FIELDS[field], text))
        if not counts:
            return []
        frequencies = self.engine.cluster_frequencies(self.table, field, list(counts))
        total = max(self.engine.document_count(self.table), 1)
        weights = {}
        for token, tf in counts.items():
            f = frequencies.get(token, 0) / total
            if f > 0:
                weights[token] = tf * math.log((1.0 + f) / f, 2) + math.log(1.0 + f, 2)
        chosen = sorted(weights, key=lambda t: (-weights[t], t))[:numterms]
        if not chosen:
            return []
        words = " | ".join(token_word(t) for t in chosen)
        found = self._query(
            f"SELECT {CANDIDATE_COLUMNS}, WEIGHT() FROM {self.table} WHERE MATCH(%s) AND id != %s"
            f" ORDER BY WEIGHT() DESC, id ASC LIMIT {limit}"
            f" OPTION ranker = expr('{SCORE_SCALE} * bm25f(1.2, 0.75)'), idf = 'plain,tfidf_unnormalized'",
            (f"@{field} ({words})", ref),
        )
        return [_candidate(row[:-1], row[-1] / SCORE_SCALE) for row in found]

    def values(self, field: str, where: Condition) -> list[str]:
        column = {v: k for k, v in STORED_NAMES.items()}.get(field, field)
        query = build(QueryPlan(filters=(AnyOf((where,)),)))
        clause, args = query.clause()
        found = _whole(
            self._query,
            lambda room: (
                f"SELECT {column}, MIN(id) AS first FROM {self.table}{clause}"
                f" GROUP BY {column} ORDER BY first ASC LIMIT {room} OPTION max_matches = {room}"
            ),
            args,
        )
        return [str(value) for value, _ in found if value not in (None, "")]


# -- rows in and out ---------------------------------------------------------------------


def _candidate(row: Sequence, score: float) -> Candidate:
    ref, sha, is_standard, clause_no, key, kind, order, has_text = row
    if is_standard:
        return Candidate(ref, score, sha, True)
    return Candidate(ref, score, sha, False, clause_no, key, kind, order, bool(has_text))


def _stored(row: dict[str, Any]) -> dict[str, Any]:
    stored = {STORED_NAMES.get(name, name): value for name, value in row.items()}
    stored["ocr"] = bool(stored.get("ocr"))
    return stored


class _Connections:
    """Connections closed together."""

    def __init__(self, connections):
        self.connections = connections

    def __enter__(self):
        return self.connections

    def __exit__(self, *exc):
        for conn in self.connections:
            conn.close()


# How `ALTER TABLE … ADD COLUMN` names the types of `schema.ATTRIBUTES`.
COLUMN_TYPES = {"uint": "INTEGER", "bigint": "BIGINT", "string": "STRING"}


def _columns(conn, into: str) -> set[str]:
    with conn.cursor() as cursor:
        cursor.execute(f"DESCRIBE {into}")
        return {str(row[0]) for row in cursor.fetchall()}


def _add_missing_attributes(conn, into: str) -> None:
    """Attributes added to `schema` since the table was made, added to it: an RT table
    keeps the schema on disk it was created with, not the config's."""
    for name in [n for n in ATTRIBUTES if n not in _columns(conn, into)]:
        _execute(conn, f"ALTER TABLE {into} ADD COLUMN `{name}` {COLUMN_TYPES[ATTRIBUTES[name]]}")


def _execute(conn, sql: str, args: Sequence = ()) -> None:
    with conn.cursor() as cursor:
        cursor.execute(sql, tuple(args))


def _replace(conn, into: str, item: Standard | str, numbers: dict[str, int]) -> None:
    """A standard's documents replaced (or, given a SHA-256, deleted) in one transaction:
    its rows written anew, and those it no longer has (clauses gone) deleted."""
    sha = _sha(item)
    batch = [] if isinstance(item, str) else list(rows(item, numbers[sha]))
    with conn.cursor() as cursor:

        def run(sql: str, args: Sequence) -> list[tuple]:
            cursor.execute(sql, tuple(args))
            return list(cursor.fetchall())

        found = _whole(
            run,
            lambda room: (
                f"SELECT id FROM {into} WHERE MATCH(%s) LIMIT {room}"
                f" OPTION max_matches = {room}, ranker = none"
            ),
            (f"@filter_keys {token_word('sha256=' + sha)}",),
        )
        stale = {row[0] for row in found} - {row["id"] for row in batch}
        cursor.execute("BEGIN")
        for start in range(0, len(batch), BATCH):
            _insert(cursor, into, batch[start : start + BATCH], verb="REPLACE")
        stale_ids = sorted(stale)
        for start in range(0, len(stale_ids), 1000):
            ids = ",".join(str(int(i)) for i in stale_ids[start : start + 1000])
            cursor.execute(f"DELETE FROM {into} WHERE id IN ({ids})")
        cursor.execute("COMMIT")


def _whole(
    run: Callable[[str, Sequence], list[tuple]],
    sql: Callable[[int], str],
    args: Sequence = (),
) -> list[tuple]:
    """Every row of a query that lists a whole set, `sql(room)` asking for `room` rows.

    Sphinx sets aside max_matches slots for each query on every node: a fixed million
    cost 0.7 s of CPU per query even on an empty table, so that ten readers of the site
    waited 9 s for an answer. The room starts small and grows tenfold while an answer
    fills it, since a full answer may have been cut."""
    room = FIRST_ROOM
    while True:
        found = run(sql(room), args)
        if len(found) < room:
            return found
        room *= 10


def _no_shard_answered(error: pymysql.MySQLError) -> bool:
    """Whether an error is the aggregator's word that none of a table's shards answered.

    One shard down is a warning and a partial answer; when every agent fails (the
    others slow to connect under load, say) Sphinx 2.2 gives an error naming each of
    them, which is the cluster being out of reach for a moment, not a bad query. An
    agent's "remote error" is the query's fault and stays an error."""
    message = str(error.args[-1] if error.args else error).rstrip("\x00")
    failures = [part.strip() for part in message.split(";") if part.strip()]
    return bool(failures) and all(
        ": agent " in part and "remote error" not in part for part in failures
    )


def _sha(item: Standard | str) -> str:
    return item if isinstance(item, str) else item.sha256


def _insert_all(mirrors: Sequence, into: str, batch: list[dict]) -> None:
    for conn in mirrors:
        with conn.cursor() as cursor:
            _insert(cursor, into, batch)


def _insert(cursor, into: str, batch: list[dict], verb: str = "INSERT") -> None:
    if not batch:
        return
    columns = list(batch[0])
    names = ", ".join(f"`{c}`" for c in columns)
    marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    values = [tuple(row[c] for c in columns) for row in batch]
    cursor.execute(
        f"{verb} INTO {into} ({names}) VALUES " + ", ".join([marks] * len(values)),
        tuple(chain.from_iterable(values)),
    )


def open_cluster_engine(library: Library, folder: Path | None = None) -> SphinxEngine:
    """The engine over the cluster described in `folder` (default: the library's
    `cluster/`)."""
    return SphinxEngine(library, Cluster.load(folder or cluster_folder(library.root)))
