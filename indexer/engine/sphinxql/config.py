"""The nodes' `sphinx.conf` files, written from the cluster's layout and `schema.py`.

Pure text generation (`shard_config`, `aggregator_config`), and `write_configs` to put
each beside its node. The columns come from `schema` alone: a column added there reaches
every node at its next start.

Sphinx 2.2 (Debian's, in tests and CI) declares real-time tables only in the config, and
Manticore Search (production) reads the same file in its "plain mode", so the files use
only directives both know: no `workers` (Manticore dropped it), no `data_dir` (which
would switch Manticore to its RT mode, where tables are made by CREATE TABLE).
"""

from __future__ import annotations

from pathlib import Path

from . import schema
from .cluster import AGGREGATOR, SHARD, Cluster, ClusterError, Node

# A shard's in-memory part before it is written out as a disk chunk. Each node is one of
# several on the machine, and the library's text is a few hundred MB at most per shard.
RT_MEM_LIMIT = "128M"
# The aggregator waits this long (ms) for a shard to accept, then to answer, before it
# answers without it (with a warning): a dead shard must cost a search little, not hang it.
AGENT_CONNECT_TIMEOUT_MS = 1000
AGENT_QUERY_TIMEOUT_MS = 10000

_ATTRIBUTE_DIRECTIVES = {
    "string": "rt_attr_string",
    "uint": "rt_attr_uint",
    "bigint": "rt_attr_bigint",
}


def _path(path: Path) -> str:
    """A path as a config value. The config language has no quoting: `#` starts a comment
    and a trailing backslash joins lines, so a folder holding either cannot be written."""
    text = str(path)
    if any(ch in text for ch in "#\\\n\r"):
        raise ClusterError(
            f"{path}: Sphinx config files cannot name a path with '#', '\\' or a line break; "
            "choose another folder for the cluster"
        )
    return text


def _section(header: str, lines: list[tuple[str, object]]) -> str:
    width = max(len(key) for key, _ in lines)
    body = "\n".join(f"    {key:<{width}} = {value}" for key, value in lines)
    return f"{header}\n{{\n{body}\n}}\n"


def _searchd(node: Node) -> str:
    listeners = [("listen", f"{node.host}:{node.port}:mysql41")]
    if node.api_port is not None:
        # Agents speak the native API, not mysql41: the aggregator reaches shards here.
        listeners.append(("listen", f"{node.host}:{node.api_port}"))
    return _section(
        "searchd",
        [
            *listeners,
            ("log", _path(node.log_path)),
            ("query_log", _path(node.query_log_path)),
            ("query_log_format", "sphinxql"),
            ("pid_file", _path(node.pid_path)),
            # Every node its own binlog, in its own folder: Debian's default path is a
            # system folder a user cannot write, and two nodes must never share one.
            ("binlog_path", _path(node.binlog_path)),
        ],
    )


def _header(cluster: Cluster, node: Node) -> str:
    return (
        f"# {node.name} of the stdsearch cluster in {cluster.folder}.\n"
        f"# Written from {Path(schema.__file__).name} by `stdsearch cluster config` and at every\n"
        "# `stdsearch cluster start`: edits here are lost.\n\n"
    )


def shard_config(cluster: Cluster, node: Node) -> str:
    """The config of one shard node: the RT table with every field and attribute of the
    schema, cut by `schema.CHARSET_TABLE`, its files inside the node's folder."""
    if node.role != SHARD:
        raise ValueError(f"{node.name} is not a shard node")
    columns: list[tuple[str, object]] = [("rt_field", field) for field in schema.FIELDS]
    columns += [(_ATTRIBUTE_DIRECTIVES[kind], name) for name, kind in schema.ATTRIBUTES.items()]
    tables = [
        _section(
            f"index {name}",
            [
                ("type", "rt"),
                ("path", _path(node.table_path(name))),
                *columns,
                ("charset_table", schema.CHARSET_TABLE),
                # Field lengths, which BM25F's length normalisation needs.
                ("index_field_lengths", 1),
                ("rt_mem_limit", RT_MEM_LIMIT),
            ],
        )
        for name in schema.TABLES
    ]
    return _header(cluster, node) + "\n".join(tables) + "\n" + _searchd(node)


def agent_line(cluster: Cluster, shard: int, table: str = schema.TABLES[0]) -> str:
    """`host:port|host:port:clauses_0`: the API ports of a shard's copies, which the
    aggregator treats as mirrors and asks one of."""
    copies = "|".join(f"{node.host}:{node.api_port}" for node in cluster.copies(shard))
    return f"{copies}:{table}"


def aggregator_config(cluster: Cluster) -> str:
    """The aggregator's config: a distributed table of the same name with one agent per
    shard, and the timeouts after which it answers without a shard."""
    node = cluster.aggregator
    tables = []
    for name in schema.TABLES:
        lines: list[tuple[str, object]] = [
            ("type", "distributed"),
            *(("agent", agent_line(cluster, shard, name)) for shard in range(cluster.shards)),
            ("agent_connect_timeout", AGENT_CONNECT_TIMEOUT_MS),
            ("agent_query_timeout", AGENT_QUERY_TIMEOUT_MS),
        ]
        if cluster.mirrors > 1:
            # Ask the copies its pings (every second) found alive. Sphinx 2.2 does not
            # retry a query on another copy: one sent to a copy that just died still fails.
            lines.append(("ha_strategy", "nodeads"))
        tables.append(_section(f"index {name}", lines))
    return _header(cluster, node) + "\n".join(tables) + "\n" + _searchd(node)


def node_config(cluster: Cluster, node: Node) -> str:
    return aggregator_config(cluster) if node.role == AGGREGATOR else shard_config(cluster, node)


def write_configs(cluster: Cluster) -> list[Path]:
    """Each node's folders and `sphinx.conf`, written afresh from the layout and schema;
    the configs written, aggregator first."""
    written = []
    for node in cluster.nodes:
        if node.role == SHARD:
            node.table_path(schema.TABLES[0]).parent.mkdir(parents=True, exist_ok=True)
        node.binlog_path.mkdir(parents=True, exist_ok=True)
        node.config_path.write_text(node_config(cluster, node), encoding="utf-8")
        written.append(node.config_path)
    return written
