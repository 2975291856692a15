"""A local SphinxQL cluster described: which nodes there are, where they keep their files,
on which ports they listen, and on which shard a standard lives.

The description is saved as `cluster.json` in the cluster's folder, so the command that
starts the nodes, the one that stops them and the engine that writes and searches them
all read one layout (`Cluster.load(folder)`) instead of each working it out again.

Layout: an aggregator (a distributed table over the shards, the one searches go to) and
`shards × mirrors` shard nodes, each an RT table of its own. A shard node listens twice:
SphinxQL (`mysql41`) for writes and direct queries, and Sphinx's native API, which is what
the aggregator's agents speak. Ports run up from the aggregator's: with the default 9306
(Manticore's SphinxQL port) shard 0 listens on 9307 and 9308, shard 1 on 9309 and 9310.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from indexer.library.store import atomic_write_bytes

FOLDER = "cluster"  # inside the data directory, beside the library it indexes
DESCRIPTION = "cluster.json"
FORMAT = 1
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9306
DEFAULT_SHARDS = 2
DEFAULT_MIRRORS = 1
AGGREGATOR = "aggregator"
SHARD = "shard"


class ClusterError(Exception):
    """Something about the cluster a user has to fix: the message says what and where."""


def cluster_folder(data_dir: str | Path) -> Path:
    """Where the cluster of the library in `data_dir` keeps its nodes."""
    return Path(data_dir).resolve() / FOLDER


def shard_of(sha256: str, shards: int) -> int:
    """The shard that holds every document of the standard with this SHA-256.

    A standard is never split: the number of its matching clauses and the facets of a
    search are then sums of exact per-shard counts, and a standard is replaced or
    deleted on one node. crc32 rather than Python's `hash()`, which changes between
    processes: every writer, in any process, on any machine, must pick the same shard."""
    return zlib.crc32(sha256.encode()) % shards


@dataclass(frozen=True)
class Node:
    """One searchd process: the aggregator, or one copy (mirror) of one shard.

    `port` is its SphinxQL (mysql41) listener; `api_port` the native-API listener the
    aggregator's agents reach a shard on (the aggregator has none)."""

    name: str
    role: str  # AGGREGATOR or SHARD
    folder: Path
    host: str
    port: int
    api_port: int | None = None
    shard: int | None = None
    mirror: int = 0

    @property
    def config_path(self) -> Path:
        return self.folder / "sphinx.conf"

    @property
    def pid_path(self) -> Path:
        return self.folder / "searchd.pid"

    @property
    def log_path(self) -> Path:
        return self.folder / "searchd.log"

    @property
    def query_log_path(self) -> Path:
        return self.folder / "query.log"

    @property
    def start_log_path(self) -> Path:
        """What `searchd` printed when it was last started: config errors land here."""
        return self.folder / "start.log"

    def table_path(self, table: str) -> Path:
        """The files of one RT table of a shard node (`clauses_0.meta`, `.ram`, chunks)."""
        return self.folder / "data" / table

    @property
    def binlog_path(self) -> Path:
        """The binary log: rows written since the RAM chunk was last saved, replayed after
        a crash, so a node killed with SIGKILL comes back with what it had."""
        return self.folder / "binlog"


@dataclass(frozen=True)
class Cluster:
    """A cluster's layout: `shards` shards of `mirrors` copies each, and an aggregator on
    `host:port`. Build one with `Cluster.plan`, keep it with `save`, find it with `load`."""

    folder: Path
    host: str
    shards: int
    mirrors: int
    port: int
    nodes: tuple[Node, ...]

    @classmethod
    def plan(
        cls,
        folder: str | Path,
        *,
        host: str = DEFAULT_HOST,
        shards: int = DEFAULT_SHARDS,
        mirrors: int = DEFAULT_MIRRORS,
        port: int = DEFAULT_PORT,
        places: Mapping[str, str] | None = None,
    ) -> Cluster:
        """A new layout: node folders inside `folder`, ports counting up from `port`, each
        node on `host` or on the machine `places` names for it (a cluster over several
        machines: each runs its own nodes, `nodes.start(only=…)`)."""
        if shards < 1:
            raise ClusterError(f"a cluster needs at least one shard, not {shards}")
        if mirrors < 1:
            raise ClusterError(f"each shard needs at least one copy, not {mirrors} mirrors")
        last = port + 2 * shards * mirrors
        if port < 1 or last > 65535:
            raise ClusterError(
                f"ports {port}…{last} do not fit: the aggregator's port and two per shard node "
                "must lie between 1 and 65535"
            )
        folder = Path(folder).resolve()
        places = dict(places or {})
        nodes = [Node(AGGREGATOR, AGGREGATOR, folder / AGGREGATOR, host, port)]
        for shard in range(shards):
            for mirror in range(mirrors):
                name = f"shard-{shard}" if mirror == 0 else f"shard-{shard}-mirror-{mirror}"
                first = port + 1 + 2 * len(nodes[1:])
                nodes.append(
                    Node(name, SHARD, folder / name, host, first, first + 1, shard, mirror)
                )
        unknown = set(places) - {node.name for node in nodes}
        if unknown:
            raise ClusterError(
                f"no node {', '.join(sorted(unknown))} in a cluster of {shards} shard(s) × "
                f"{mirrors}: {', '.join(node.name for node in nodes)}"
            )
        nodes = [replace(node, host=places.get(node.name, host)) for node in nodes]
        return cls(folder, host, shards, mirrors, port, tuple(nodes))

    @property
    def places(self) -> dict[str, str]:
        """The nodes placed on another machine than the cluster's host, and where."""
        return {node.name: node.host for node in self.nodes if node.host != self.host}

    def only(self, names: Iterable[str] = ()) -> tuple[Node, ...]:
        """The nodes named (every node when none is): those one machine runs."""
        wanted = list(names)
        return tuple(self.node(name) for name in wanted) if wanted else self.nodes

    @property
    def aggregator(self) -> Node:
        """The node searches go to: its distributed table asks every shard."""
        return next(node for node in self.nodes if node.role == AGGREGATOR)

    @property
    def shard_nodes(self) -> tuple[Node, ...]:
        return tuple(node for node in self.nodes if node.role == SHARD)

    def copies(self, shard: int) -> tuple[Node, ...]:
        """Every copy of one shard. Copies do not replicate each other: a writer writes a
        row to each of them."""
        return tuple(node for node in self.shard_nodes if node.shard == shard)

    def home(self, sha256: str) -> tuple[Node, ...]:
        """The nodes that hold (and must be written) the standard with this SHA-256."""
        return self.copies(shard_of(sha256, self.shards))

    def node(self, name: str) -> Node:
        for node in self.nodes:
            if node.name == name:
                return node
        raise ClusterError(
            f"no node {name!r} in the cluster in {self.folder}: "
            f"{', '.join(n.name for n in self.nodes)}"
        )

    # --- cluster.json ---------------------------------------------------------------

    def to_dict(self) -> dict:
        """The layout as saved: node folders relative to the cluster's, so the folder can
        be moved or backed up whole."""
        return {
            "format": FORMAT,
            "host": self.host,
            "shards": self.shards,
            "mirrors": self.mirrors,
            "port": self.port,
            "nodes": [
                {
                    "name": node.name,
                    "role": node.role,
                    "folder": node.folder.relative_to(self.folder).as_posix(),
                    "host": node.host,
                    "port": node.port,
                    "api_port": node.api_port,
                    "shard": node.shard,
                    "mirror": node.mirror,
                }
                for node in self.nodes
            ],
        }

    def save(self) -> Path:
        """Write `cluster.json` (atomically: a reader never sees half a layout)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / DESCRIPTION
        text = json.dumps(self.to_dict(), indent=2) + "\n"
        atomic_write_bytes(path, text.encode())
        return path

    @classmethod
    def exists(cls, folder: str | Path) -> bool:
        return (Path(folder) / DESCRIPTION).is_file()

    @classmethod
    def load(cls, folder: str | Path) -> Cluster:
        """The cluster saved in `folder`; `ClusterError` when there is none or it is not
        one this stdsearch can read."""
        folder = Path(folder).resolve()
        path = folder / DESCRIPTION
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ClusterError(f"no cluster in {folder}: {DESCRIPTION} is missing") from None
        except (OSError, ValueError) as error:
            raise ClusterError(f"cannot read {path}: {error}") from None
        if saved.get("format") != FORMAT:
            raise ClusterError(
                f"{path} is in format {saved.get('format')!r}; this stdsearch reads format {FORMAT}"
            )
        try:
            nodes = tuple(
                Node(
                    name=entry["name"],
                    role=entry["role"],
                    folder=folder / entry["folder"],
                    host=entry.get("host", saved["host"]),
                    port=int(entry["port"]),
                    api_port=entry.get("api_port"),
                    shard=entry.get("shard"),
                    mirror=int(entry.get("mirror", 0)),
                )
                for entry in saved["nodes"]
            )
            cluster = cls(
                folder,
                saved["host"],
                int(saved["shards"]),
                int(saved["mirrors"]),
                int(saved["port"]),
                nodes,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ClusterError(f"{path} is damaged: {error!r}") from None
        cluster.check()
        return cluster

    def check(self) -> None:
        """Every shard has its copies and the aggregator is there: a hand-edited layout
        that lost a node would silently answer with part of the library."""
        roles = [node.role for node in self.nodes]
        if roles.count(AGGREGATOR) != 1:
            raise ClusterError(f"the cluster in {self.folder} needs exactly one aggregator")
        for shard in range(self.shards):
            if not self.copies(shard):
                raise ClusterError(f"shard {shard} of the cluster in {self.folder} has no node")
        ports = [p for node in self.nodes for p in (node.port, node.api_port) if p]
        if len(ports) != len(set(ports)):
            raise ClusterError(f"two nodes of the cluster in {self.folder} share a port")
