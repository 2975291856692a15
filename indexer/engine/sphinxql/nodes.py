"""The cluster's searchd processes: start, stop, status, and a supervisor that restarts
the ones that died.

Each node is one `searchd --config <node>/sphinx.conf`, which daemonises and writes its
pid file; a node is known by that file alone, so any process (the command line, a test,
systemd) can stop what another started. A pid file outlives a node killed with SIGKILL
and its pid may since belong to another program: a node counts as running only while a
live process with that pid runs that node's config.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from . import schema
from .cluster import Cluster, ClusterError, Node
from .config import write_configs
from .connection import Error, connect

SEARCHD_ENV = "STDSEARCH_SEARCHD"  # another searchd, e.g. Manticore's, instead of PATH's
START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0
SUPERVISE_INTERVAL = 5.0
STATUS_TIMEOUT = 5.0  # per node: a hung node must not hang `status`
LOG_LINES = 12

# What a start or stop did to each node (`NodeAction.action`).
STARTED = "started"
ALREADY_RUNNING = "already running"
STOPPED = "stopped"
NOT_RUNNING = "not running"


def searchd() -> str:
    """The searchd program: `$STDSEARCH_SEARCHD`, else the one on PATH (Debian's
    sphinxsearch and Manticore both install /usr/bin/searchd)."""
    named = os.environ.get(SEARCHD_ENV)
    if named:
        if not os.access(named, os.X_OK):
            raise ClusterError(f"{SEARCHD_ENV}={named} is not an executable searchd")
        return named
    found = shutil.which("searchd") or shutil.which("searchd", path="/usr/sbin:/usr/local/bin")
    if not found:
        raise ClusterError(
            "searchd is not installed: install Debian's sphinxsearch (apt-get install "
            f"sphinxsearch) or Manticore Search, or set {SEARCHD_ENV} to its path"
        )
    return found


# --- which process is a node --------------------------------------------------------


def _config_of(pid: int) -> Path | None:
    """The config file a live searchd runs, from its command line; None for another
    program, a zombie, or a pid that is gone."""
    proc = Path(f"/proc/{pid}")
    try:
        args = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
        cwd = (proc / "cwd").resolve()
    except OSError:
        return None
    if not args or Path(args[0]).name != "searchd":
        return None
    for flag, value in itertools.pairwise(args):
        if flag in ("--config", "-c"):
            return (cwd / value).resolve()
    return None


def _runs(pid: int, node: Node) -> bool:
    """Whether `pid` is this node's searchd: alive, and running this node's config."""
    if not Path("/proc/self").exists():  # no /proc: trust the pid file's pid if it lives
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return _config_of(pid) == node.config_path.resolve()


def _written_pid(node: Node) -> int | None:
    """The pid in the node's pid file, running or not (None while searchd writes it)."""
    try:
        pid = int(node.pid_path.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if pid > 0 else None


def node_pid(node: Node) -> int | None:
    """The pid of the node's running searchd, or None when it does not run."""
    pid = _written_pid(node)
    return pid if pid is not None and _runs(pid, node) else None


def _watchdog(pid: int, node: Node) -> int | None:
    """searchd's watchdog: the parent that restarts a crashed main process. Killing the
    main process with SIGKILL ends it too, but a fallback kill makes sure."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        parent = int(stat.rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return parent if parent > 1 and _runs(parent, node) else None


def _gone(pid: int, node: Node, deadline: float) -> bool:
    while _runs(pid, node):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _tail(path: Path, lines: int = LOG_LINES) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 8192))
            text = f.read().decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _logs(node: Node) -> str:
    """The end of what the node printed at start and of its log, for an error message."""
    parts = []
    for path in (node.start_log_path, node.log_path):
        tail = _tail(path)
        if tail.strip():
            parts.append(f"--- the end of {path}:\n{tail}")
    return "\n".join(parts) or f"(no log in {node.folder})"


@contextmanager
def _exclusive(cluster: Cluster) -> Iterator[None]:
    """One start or stop at a time per cluster: a supervisor and a command starting the
    same node at once would race for its ports."""
    cluster.folder.mkdir(parents=True, exist_ok=True)
    with open(cluster.folder / ".nodes.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# --- layout ------------------------------------------------------------------------


def configure(
    folder: str | Path,
    *,
    host: str | None = None,
    shards: int | None = None,
    mirrors: int | None = None,
    port: int | None = None,
    places: Mapping[str, str] | None = None,
) -> Cluster:
    """The cluster in `folder` laid out as asked, saved with every node's config: a new
    one (defaults for what is not asked), or the saved one, moved to another host or
    ports, or some of its nodes to other machines (`places`), if asked while it is stopped.

    A saved cluster keeps its number of shards and copies: its standards are placed by
    `shard_of` over that many shards, and with another number every lookup would go to
    the wrong node."""
    asked = {
        key: value
        for key, value in (("host", host), ("shards", shards), ("mirrors", mirrors), ("port", port))
        if value is not None
    }
    if not Cluster.exists(folder):
        cluster = Cluster.plan(folder, **asked, places=places)
    else:
        saved = Cluster.load(folder)
        current = {"host": saved.host, "shards": saved.shards, "mirrors": saved.mirrors}
        cluster = Cluster.plan(
            folder,
            **{**current, "port": saved.port, **asked},
            places={**saved.places, **(places or {})},
        )
        if (cluster.shards, cluster.mirrors) != (saved.shards, saved.mirrors):
            raise ClusterError(
                f"the cluster in {saved.folder} holds its standards on {saved.shards} shard(s) "
                f"of {saved.mirrors} copy(ies) each; for another layout stop it, delete "
                "that folder and build the index again"
            )
        if cluster != saved:
            running = [node.name for node in saved.nodes if node_pid(node) is not None]
            if running:
                raise ClusterError(
                    f"stop the cluster in {saved.folder} before moving it to other ports or "
                    f"another host ({', '.join(running)} running)"
                )
    with _exclusive(cluster):
        cluster.save()
        write_configs(cluster)
    return cluster


# --- start ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeAction:
    """What `start` or `stop` did to one node."""

    node: Node
    action: str  # STARTED, ALREADY_RUNNING, STOPPED, NOT_RUNNING
    pid: int | None = None


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _log_size(node: Node) -> int:
    try:
        return node.log_path.stat().st_size
    except OSError:
        return 0


def _launch(binary: str, node: Node, timeout: float) -> int:
    """Run `searchd --config …` for a node that is not running; it returns once the
    daemon has forked. A config searchd refuses fails here, with what it printed. Returns
    where the node's log ended before, so the wait reads only what this start wrote."""
    node.pid_path.unlink(missing_ok=True)  # a dead node's: searchd would read it as its own
    for port in (node.port, node.api_port):
        if port is not None and _port_in_use(node.host, port):
            raise ClusterError(
                f"cannot start {node.name}: {node.host}:{port} is in use by another program "
                "(another cluster, or a system searchd?); move the cluster to other ports"
            )
    log_start = _log_size(node)
    with open(node.start_log_path, "wb") as output:
        try:
            launcher = subprocess.run(
                [binary, "--config", str(node.config_path)],
                cwd=node.folder,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                start_new_session=True,  # a Ctrl-C meant for the command spares the node
            )
        except subprocess.TimeoutExpired:
            raise ClusterError(
                f"{node.name}: searchd did not start within {timeout:.0f} s\n{_logs(node)}"
            ) from None
    if launcher.returncode != 0:
        raise ClusterError(
            f"{node.name}: searchd refused to start (exit status {launcher.returncode})\n"
            f"{_logs(node)}"
        )
    return log_start


def _gave_up(node: Node, log_start: int) -> bool:
    """Whether searchd logged, since `log_start`, that it ended: a table it cannot load
    ends it after it forked, and it then leaves no pid file to find dead."""
    try:
        with open(node.log_path, "rb") as log:
            log.seek(log_start)
            written = log.read().decode(errors="replace")
    except OSError:
        return False
    return "FATAL:" in written or "shutting down" in written


def _answers(node: Node) -> bool:
    try:
        connect(node, connect_timeout=1.0, read_timeout=STATUS_TIMEOUT).close()
    except Error:
        return False
    return True


def _wait_until_answering(node: Node, log_start: int, deadline: float, timeout: float) -> int:
    """The node's pid once it answers on its SphinxQL port."""
    while True:
        pid = node_pid(node)
        if pid is not None and _answers(node):
            return pid
        if pid is None and (_written_pid(node) is not None or _gave_up(node, log_start)):
            raise ClusterError(f"{node.name} stopped right after it started\n{_logs(node)}")
        if time.monotonic() > deadline:
            raise ClusterError(
                f"{node.name} did not answer on {node.host}:{node.port} within "
                f"{timeout:.0f} s\n{_logs(node)}"
            )
        time.sleep(0.1)


def _start_nodes(nodes, timeout: float) -> list[NodeAction]:
    binary = searchd()
    deadline = time.monotonic() + timeout
    actions, launched = [], []
    for node in nodes:
        pid = node_pid(node)
        if pid is not None:
            actions.append(NodeAction(node, ALREADY_RUNNING, pid))
            continue
        launched.append((node, _launch(binary, node, timeout)))
    for node, log_start in launched:
        pid = _wait_until_answering(node, log_start, deadline, timeout)
        actions.append(NodeAction(node, STARTED, pid))
    return actions


def _start_order(cluster: Cluster, only: Iterable[str] = ()) -> tuple[Node, ...]:
    """Shards first: the aggregator is of use only once they answer. `only` names the
    nodes this machine runs (all when empty)."""
    here = cluster.only(only)
    return tuple(n for n in (*cluster.shard_nodes, cluster.aggregator) if n in here)


def start(
    cluster: Cluster, *, timeout: float = START_TIMEOUT, only: Iterable[str] = ()
) -> list[NodeAction]:
    """Write every node's config afresh and start the nodes (those named in `only`, or
    all) that are not running; returns once each answers on its SphinxQL port. Running
    nodes are left as they are, so start is safe to repeat (a config change reaches a
    running node only after a stop). `ClusterError` names the node that failed and quotes
    the end of its log; the nodes started before it keep running, and a start after the
    fix starts only the rest."""
    with _exclusive(cluster):
        write_configs(cluster)
        return _start_nodes(_start_order(cluster, only), timeout)


# --- stop ----------------------------------------------------------------------------


def _signal(node: Node, pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
    except PermissionError:
        raise ClusterError(
            f"cannot stop {node.name}: its searchd (pid {pid}) belongs to another user"
        ) from None


def _stop_node(binary: str | None, node: Node, pid: int, timeout: float) -> None:
    """`searchd --stopwait` (it saves the RT table's RAM part, so the next start need not
    replay the binlog), then SIGTERM, then SIGKILL of the pid and its watchdog."""
    deadline = time.monotonic() + timeout
    watchdog = _watchdog(pid, node)
    if binary is not None:
        with suppress(subprocess.TimeoutExpired):
            subprocess.run(
                [binary, "--config", str(node.config_path), "--stopwait"],
                cwd=node.folder,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=timeout,
            )
    if not _gone(pid, node, deadline):
        _signal(node, pid, signal.SIGTERM)
        if not _gone(pid, node, time.monotonic() + 5.0):
            for doomed in (watchdog, pid):
                if doomed is not None:
                    _signal(node, doomed, signal.SIGKILL)
            _gone(pid, node, time.monotonic() + 5.0)
    if watchdog is not None and not _gone(watchdog, node, time.monotonic() + 2.0):
        _signal(node, watchdog, signal.SIGKILL)
    if _runs(pid, node):
        raise ClusterError(f"{node.name} (pid {pid}) would not stop, not even with SIGKILL")
    node.pid_path.unlink(missing_ok=True)


def stop(
    cluster: Cluster, *, timeout: float = STOP_TIMEOUT, only: Iterable[str] = ()
) -> list[NodeAction]:
    """Stop every running node (of those named in `only`, or all), the aggregator first;
    a node's pid file is its only handle, so this stops nodes whoever started them. A node
    that will not stop is reported (`ClusterError`) after the others are stopped."""
    try:
        binary = searchd()
    except ClusterError:
        binary = None  # searchd uninstalled under running nodes: signals still stop them
    actions, failures = [], []
    with _exclusive(cluster):
        for node in reversed(_start_order(cluster, only)):
            pid = node_pid(node)
            if pid is None:
                node.pid_path.unlink(missing_ok=True)
                actions.append(NodeAction(node, NOT_RUNNING))
                continue
            try:
                _stop_node(binary, node, pid, timeout)
            except ClusterError as error:
                failures.append(str(error))  # the other nodes are stopped all the same
                continue
            actions.append(NodeAction(node, STOPPED, pid))
    if failures:
        raise ClusterError("; ".join(failures))
    return actions


# --- status --------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeStatus:
    """One node as `status` found it. `documents`: the rows its `clauses` table answers
    for (through the aggregator, those of every shard it reached); None when it did not
    answer."""

    node: Node
    pid: int | None
    answering: bool
    documents: int | None = None
    error: str = ""

    @property
    def running(self) -> bool:
        return self.pid is not None

    def to_dict(self) -> dict:
        node = self.node
        return {
            "name": node.name,
            "role": node.role,
            "shard": node.shard,
            "mirror": node.mirror,
            "host": node.host,
            "port": node.port,
            "api_port": node.api_port,
            "folder": str(node.folder),
            "pid": self.pid,
            "running": self.running,
            "answering": self.answering,
            "documents": self.documents,
            "error": self.error,
        }


def node_status(node: Node) -> NodeStatus:
    pid = node_pid(node)
    if pid is None:
        return NodeStatus(node, None, False)
    try:
        with (
            connect(node, read_timeout=STATUS_TIMEOUT) as connection,
            connection.cursor() as cursor,
        ):
            documents = 0
            for name in schema.TABLES:  # one generation holds the library, the other none
                cursor.execute(f"SELECT COUNT(*) FROM {name}")
                documents += cursor.fetchone()[0]
    except Error as error:
        return NodeStatus(node, pid, False, error=str(error))
    return NodeStatus(node, pid, True, int(documents))


def status(cluster: Cluster) -> list[NodeStatus]:
    """Every node: its pid when running, whether it answers, and how many rows it holds."""
    return [node_status(node) for node in cluster.nodes]


def cluster_up(statuses: list[NodeStatus]) -> bool:
    return all(s.answering for s in statuses)


# --- supervise -----------------------------------------------------------------------


def supervise(
    cluster: Cluster,
    *,
    interval: float = SUPERVISE_INTERVAL,
    stop_when: threading.Event | None = None,
    report: Callable[[str], None] = lambda line: None,
    timeout: float = START_TIMEOUT,
    only: Iterable[str] = (),
    after_round: Callable[[], None] = lambda: None,
) -> None:
    """Start the cluster, then every `interval` seconds start again any node that died,
    until `stop_when` is set. What a production install runs in the foreground under
    systemd; it leaves the nodes running when it ends (`stop` stops them).

    A shard restarted this way replays its binlog and comes back with the rows it had. A
    node that cannot be started is reported and tried again at the next round: the
    supervisor itself never gives up. `only` names the nodes this machine runs;
    `after_round` runs after each round (the command line writes the writes a dead shard
    missed there)."""
    stop_when = stop_when or threading.Event()
    with _exclusive(cluster):
        write_configs(cluster)
    here = _start_order(cluster, only)
    first = True
    while not stop_when.is_set():
        _start_dead(cluster, here, timeout, "started" if first else "restarted", report)
        if first:
            names = ", ".join(node.name for node in cluster.only(only))
            report(f"watching {names} every {interval:g} s")
            first = False
        after_round()
        stop_when.wait(interval)


def _start_dead(
    cluster: Cluster,
    here: tuple[Node, ...],
    timeout: float,
    verb: str,
    report: Callable[[str], None],
) -> None:
    down = [node for node in here if node_pid(node) is None]
    if not down:
        return
    try:
        with _exclusive(cluster):
            actions = _start_nodes(down, timeout)
    except ClusterError as error:
        report(f"error: {error}")
        return
    for action in actions:
        if action.action == STARTED:
            report(f"{verb} {action.node.name} (pid {action.pid})")
