"""SphinxQL connections to the cluster's nodes, opened the one way every writer and
reader needs them.

* `autocommit=True`: pymysql otherwise turns the session's autocommit off, Sphinx then
  holds every write in a transaction until a COMMIT, and a writer that forgets one loses
  its rows with the connection, without an error.
* A short connect timeout: a node that is down must cost a status check or a write a
  moment and a clear error, not the operating system's minutes-long TCP timeout.
* `utf8mb4`: standards hold ideographs beyond the Basic Multilingual Plane (CJK extension
  B and after, 4 bytes in UTF-8), which MySQL's 3-byte `utf8` would mangle.
"""

from __future__ import annotations

import pymysql

from .cluster import Node

CONNECT_TIMEOUT = 2.0
Error = pymysql.MySQLError


def connect_to(
    host: str, port: int, *, connect_timeout: float = CONNECT_TIMEOUT, read_timeout=None
) -> pymysql.connections.Connection:
    """A SphinxQL connection to `host:port`. `read_timeout` bounds each answer (None:
    wait as long as the query takes)."""
    return pymysql.connect(
        host=host,
        port=port,
        autocommit=True,
        charset="utf8mb4",
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        write_timeout=read_timeout,
    )


def connect(node: Node, **timeouts) -> pymysql.connections.Connection:
    """A SphinxQL connection to one node of the cluster (its mysql41 listener)."""
    return connect_to(node.host, node.port, **timeouts)
