"""The local SphinxQL cluster: its layout, the configs written from the schema, and real
searchd processes started, stopped, killed and brought back (no mocks).

The shared `sphinx_cluster` (tests/conftest.py) serves the tests that only read or write
rows; the tests that kill or stop nodes start a cluster of their own.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest

from indexer.engine.sphinxql import schema
from indexer.engine.sphinxql.cluster import Cluster, ClusterError, cluster_folder, shard_of
from indexer.engine.sphinxql.config import aggregator_config, shard_config
from indexer.engine.sphinxql.connection import Error, connect
from indexer.engine.sphinxql.nodes import (
    ALREADY_RUNNING,
    NOT_RUNNING,
    STARTED,
    STOPPED,
    configure,
    node_pid,
    start,
    status,
    stop,
    supervise,
)
from tests.conftest import ROOT, free_ports, running_cluster, wait_for


@pytest.fixture(scope="module")
def sphinx_cluster(tmp_path_factory, searchd):
    """This module's own cluster: its tests write rows by hand, which the engine tests
    sharing the run's cluster must not find (nor these theirs)."""
    with running_cluster(tmp_path_factory.mktemp("raw-rows") / "cluster") as cluster:
        yield cluster


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def rows(node, sql: str, *args) -> list[tuple]:
    with connect(node) as connection, connection.cursor() as cursor:
        cursor.execute(sql, args or None)
        return list(cursor.fetchall())


def query_with_warnings(node, sql: str, *args) -> tuple[list[tuple], list[tuple]]:
    """A query's rows and what SHOW WARNINGS gives right after it."""
    with connect(node) as connection, connection.cursor() as cursor:
        cursor.execute(sql, args or None)
        found = list(cursor.fetchall())
        cursor.execute("SHOW WARNINGS")
        return found, list(cursor.fetchall())


def write(node, doc: int, sha256: str, body: str) -> None:
    with connect(node) as connection, connection.cursor() as cursor:
        cursor.execute(
            f"REPLACE INTO {schema.TABLES[0]} (id, body, sha256, std_no, `order`) "
            "VALUES (%s, %s, %s, %s, %s)",
            (doc, body, sha256, f"GB {doc}", doc),
        )


def match_ids(node, word: str) -> list[int]:
    found = rows(node, f"SELECT id FROM {schema.TABLES[0]} WHERE MATCH(%s)", word)
    return sorted(row[0] for row in found)


def by_name(statuses):
    return {s.node.name: s for s in statuses}


def exited(pid: int) -> bool:
    """Gone, or a zombie its parent has not reaped yet (no command line any more)."""
    try:
        return not Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True


# --- layout ---------------------------------------------------------------------------


def test_default_layout_puts_the_aggregator_on_9306_and_shards_after_it(tmp_path):
    cluster = Cluster.plan(tmp_path / "cluster")
    assert (cluster.host, cluster.shards, cluster.mirrors, cluster.port) == (
        "127.0.0.1",
        2,
        1,
        9306,
    )
    ports = [(n.name, n.role, n.port, n.api_port, n.shard) for n in cluster.nodes]
    assert ports == [
        ("aggregator", "aggregator", 9306, None, None),
        ("shard-0", "shard", 9307, 9308, 0),
        ("shard-1", "shard", 9309, 9310, 1),
    ]
    assert cluster.aggregator.folder == (tmp_path / "cluster" / "aggregator").resolve()
    assert cluster_folder(tmp_path) == (tmp_path / "cluster").resolve()


def test_mirrors_are_copies_of_one_shard_on_ports_of_their_own(tmp_path):
    cluster = Cluster.plan(tmp_path, shards=2, mirrors=2, port=20000)
    assert [n.name for n in cluster.copies(1)] == ["shard-1", "shard-1-mirror-1"]
    ports = [p for n in cluster.nodes for p in (n.port, n.api_port) if p]
    assert ports == list(range(20000, 20009))
    assert cluster.home(sha("x")) == cluster.copies(shard_of(sha("x"), 2))


def test_cluster_json_round_trips_and_holds_folders_relative(tmp_path):
    cluster = Cluster.plan(tmp_path / "c", shards=3, mirrors=2, port=21000, host="127.0.0.2")
    cluster.save()
    saved = json.loads((tmp_path / "c" / "cluster.json").read_text())
    assert saved["nodes"][1]["folder"] == "shard-0"
    assert Cluster.load(tmp_path / "c") == cluster


def test_a_missing_or_damaged_cluster_json_is_an_error_naming_the_folder(tmp_path):
    with pytest.raises(ClusterError, match=f"no cluster in {tmp_path}"):
        Cluster.load(tmp_path)
    (tmp_path / "cluster.json").write_text("{not json")
    with pytest.raises(ClusterError, match="cannot read"):
        Cluster.load(tmp_path)
    Cluster.plan(tmp_path).save()
    damaged = json.loads((tmp_path / "cluster.json").read_text())
    del damaged["nodes"][2]  # shard 1 lost: searches would miss half the library
    (tmp_path / "cluster.json").write_text(json.dumps(damaged))
    with pytest.raises(ClusterError, match=r"shard 1 .* has no node"):
        Cluster.load(tmp_path)


def test_impossible_layouts_are_refused(tmp_path):
    with pytest.raises(ClusterError, match="at least one shard"):
        Cluster.plan(tmp_path, shards=0)
    with pytest.raises(ClusterError, match="65535"):
        Cluster.plan(tmp_path, port=65530, shards=4)


def test_a_saved_cluster_keeps_its_shards_but_may_move_ports_while_stopped(tmp_path):
    configure(tmp_path, port=22000)
    with pytest.raises(ClusterError, match="holds its standards on 2 shard"):
        configure(tmp_path, shards=3)
    moved = configure(tmp_path, port=23000)
    assert moved.port == 23000 and Cluster.load(tmp_path).shards == 2
    assert configure(tmp_path) == moved  # no options: the saved layout


def test_every_standard_has_one_shard_by_crc32_of_its_sha256():
    digest = sha("GB 12348-2008")
    assert shard_of(digest, 2) == zlib.crc32(digest.encode()) % 2
    assert shard_of(digest, 1) == 0
    spread = [shard_of(sha(str(n)), 3) for n in range(3000)]
    assert all(900 < spread.count(shard) < 1100 for shard in range(3))


# --- configs --------------------------------------------------------------------------


def directives(text: str) -> list[tuple[str, str]]:
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return [(key.strip(), value.strip()) for key, value in pairs if not key.startswith("#")]


def test_a_shard_config_declares_every_column_of_the_schema(tmp_path):
    cluster = Cluster.plan(tmp_path, port=24000)
    node = cluster.node("shard-1")
    text = shard_config(cluster, node)
    pairs = directives(text)
    fields = [value for key, value in pairs if key == "rt_field"]
    assert fields == list(schema.FIELDS) * len(schema.TABLES)
    attributes = {value: key for key, value in pairs if key.startswith("rt_attr_")}
    assert attributes == {name: f"rt_attr_{kind}" for name, kind in schema.ATTRIBUTES.items()}
    folder = tmp_path.resolve() / "shard-1"
    settings = dict(pairs)
    assert settings["type"] == "rt"
    assert settings["charset_table"] == schema.CHARSET_TABLE
    paths = [value for key, value in pairs if key == "path"]
    assert paths == [f"{folder}/data/{name}" for name in schema.TABLES]
    assert settings["binlog_path"] == f"{folder}/binlog"
    assert settings["pid_file"] == f"{folder}/searchd.pid"
    assert settings["log"] == f"{folder}/searchd.log"
    assert "rt_mem_limit" in settings
    listeners = [value for key, value in pairs if key == "listen"]
    assert listeners == ["127.0.0.1:24003:mysql41", "127.0.0.1:24004"]
    assert [text.count(f"index {name}\n{{") for name in schema.TABLES] == [1, 1]
    assert text.count("searchd\n{") == 1


def test_the_aggregator_config_points_agents_at_the_api_ports(tmp_path):
    cluster = Cluster.plan(tmp_path, shards=2, mirrors=2, port=25000)
    pairs = directives(aggregator_config(cluster))
    settings = dict(pairs)
    assert settings["type"] == "distributed"
    assert [value for key, value in pairs if key == "agent"] == [
        f"127.0.0.1:{a}|127.0.0.1:{b}:{name}"
        for name in schema.TABLES
        for a, b in ((25002, 25004), (25006, 25008))
    ]
    assert int(settings["agent_connect_timeout"]) < int(settings["agent_query_timeout"])
    assert [value for key, value in pairs if key == "listen"] == ["127.0.0.1:25000:mysql41"]
    single = dict(directives(aggregator_config(Cluster.plan(tmp_path, port=25000))))
    assert single["agent"] == f"127.0.0.1:25004:{schema.TABLES[-1]}"
    assert "ha_strategy" not in single


def test_configs_use_only_directives_manticore_still_reads(tmp_path):
    cluster = Cluster.plan(tmp_path)
    for text in (aggregator_config(cluster), shard_config(cluster, cluster.shard_nodes[0])):
        keys = {key for key, _ in directives(text)}
        assert not keys & {"workers", "data_dir", "max_children", "prefork_rotation_throttle"}


def test_a_folder_the_config_language_cannot_name_is_refused(tmp_path):
    cluster = Cluster.plan(tmp_path / "a#b")
    with pytest.raises(ClusterError, match="'#'"):
        shard_config(cluster, cluster.shard_nodes[0])


# --- real processes: the shared cluster ------------------------------------------------


def test_searchd_accepts_the_configs_and_a_shard_has_every_column(sphinx_cluster):
    for node in sphinx_cluster.shard_nodes:
        for name in schema.TABLES:
            described = dict(rows(node, f"DESCRIBE {name}"))
            expected = {"id": "bigint"} | dict.fromkeys(schema.FIELDS, "field")
            lengths = {f"{field}_len": "tokencount" for field in schema.FIELDS}
            assert described == expected | schema.ATTRIBUTES | lengths
    for name in schema.TABLES:
        agents = rows(sphinx_cluster.aggregator, f"DESCRIBE {name}")
        api_ports = [f"127.0.0.1:{n.api_port}:{name}" for n in sphinx_cluster.shard_nodes]
        assert [agent for agent, _ in agents] == api_ports


def test_status_shows_every_node_answering(sphinx_cluster):
    statuses = by_name(status(sphinx_cluster))
    assert set(statuses) == {"aggregator", "shard-0", "shard-1"}
    for s in statuses.values():
        assert s.running and s.answering and s.documents is not None
        assert s.pid == node_pid(s.node)
    assert statuses["shard-0"].to_dict()["api_port"] == sphinx_cluster.node("shard-0").api_port


def test_start_is_idempotent(sphinx_cluster):
    pids = {node.name: node_pid(node) for node in sphinx_cluster.nodes}
    again = start(sphinx_cluster)
    assert {a.node.name: (a.action, a.pid) for a in again} == {
        name: (ALREADY_RUNNING, pid) for name, pid in pids.items()
    }


def test_a_row_written_to_its_shard_is_found_through_the_aggregator(sphinx_cluster):
    digest = sha("written through a shard")
    (home,) = sphinx_cluster.home(digest)
    # 𠀀 lies beyond the BMP: 4 bytes in UTF-8, what utf8mb4 connections carry whole.
    write(home, 901, digest, "厂界 噪声 𠀀𠀁")
    try:
        found = rows(
            sphinx_cluster.aggregator,
            f"SELECT id, sha256, std_no FROM {schema.TABLES[0]} WHERE MATCH(%s)",
            "噪声",
        )
        assert found == [(901, digest, "GB 901")]
        assert match_ids(sphinx_cluster.aggregator, "𠀀𠀁") == [901]
        other = next(n for n in sphinx_cluster.shard_nodes if n != home)
        assert match_ids(other, "噪声") == []
    finally:
        rows(home, f"DELETE FROM {schema.TABLES[0]} WHERE id = 901")


# --- real processes: clusters of their own ---------------------------------------------


def test_a_killed_shard_is_down_and_start_brings_it_back_with_its_rows(tmp_path, searchd):
    with running_cluster(tmp_path / "cluster") as cluster:
        first, second = cluster.shard_nodes
        write(first, 1, sha("one"), "检索 第一")
        write(second, 2, sha("two"), "检索 第二")
        assert match_ids(cluster.aggregator, "检索") == [1, 2]

        os.kill(node_pid(second), signal.SIGKILL)
        wait_for(lambda: node_pid(second) is None, 10, "shard-1 to die")
        statuses = by_name(status(cluster))
        assert not statuses["shard-1"].running and statuses["shard-1"].documents is None
        assert statuses["shard-0"].answering and statuses["aggregator"].answering

        found, warnings = query_with_warnings(
            cluster.aggregator, f"SELECT id FROM {schema.TABLES[0]} WHERE MATCH(%s)", "检索"
        )
        assert [row[0] for row in found] == [1]
        assert warnings and f":{second.api_port}" in str(warnings)

        assert second.pid_path.exists()  # the dead node's pid file stays behind
        actions = {a.node.name: a.action for a in start(cluster)}
        assert actions == {
            "shard-0": ALREADY_RUNNING,
            "shard-1": STARTED,
            "aggregator": ALREADY_RUNNING,
        }
        assert match_ids(second, "第二") == [2]  # replayed from its binlog
        assert match_ids(cluster.aggregator, "检索") == [1, 2]


def test_supervise_restarts_a_node_that_died(tmp_path, searchd):
    with running_cluster(tmp_path / "cluster") as cluster:
        shard = cluster.shard_nodes[0]
        write(shard, 7, sha("seven"), "监督 重启")
        finished = threading.Event()
        lines: list[str] = []
        supervisor = threading.Thread(
            target=supervise,
            args=(cluster,),
            kwargs={"interval": 0.2, "stop_when": finished, "report": lines.append},
        )
        supervisor.start()
        try:
            wait_for(lambda: any(line.startswith("watching ") for line in lines), 30, "supervise")
            old = node_pid(shard)
            os.kill(old, signal.SIGKILL)
            wait_for(
                lambda: (
                    node_pid(shard) not in (None, old)
                    and by_name(status(cluster))[shard.name].answering
                ),
                30,
                f"supervise to restart {shard.name}: {lines}",
            )
        finally:
            finished.set()
            supervisor.join(timeout=30)
        assert not supervisor.is_alive()
        assert any(line.startswith(f"restarted {shard.name} (pid ") for line in lines), lines
        assert match_ids(cluster.aggregator, "监督") == [7]


def test_stop_stops_every_node_and_a_stale_pid_file_is_not_a_node(tmp_path, searchd):
    with running_cluster(tmp_path / "cluster") as cluster:
        pids = [node_pid(node) for node in cluster.nodes]
        actions = stop(cluster)
        assert [a.action for a in actions] == [STOPPED] * 3
        assert sorted(a.pid for a in actions) == sorted(pids)
        assert not any(s.running for s in status(cluster))
        assert not any(node.pid_path.exists() for node in cluster.nodes)
        for pid in pids:
            wait_for(lambda pid=pid: exited(pid), 10, f"pid {pid} to exit")
        assert [a.action for a in stop(cluster)] == [NOT_RUNNING] * 3

        # A pid file naming a live process that is not this node's searchd (pids are
        # reused): the node does not run, start starts it, and stop leaves that process be.
        shard = cluster.shard_nodes[0]
        shard.pid_path.write_text(f"{os.getpid()}\n")
        assert node_pid(shard) is None and not by_name(status(cluster))[shard.name].running
        assert {a.action for a in start(cluster)} == {STARTED}
        assert node_pid(shard) not in (None, os.getpid())


def test_a_port_in_use_is_an_error_naming_the_node_and_port(tmp_path, searchd):
    cluster = configure(tmp_path / "cluster", port=free_ports(5))
    taken = cluster.node("shard-1").api_port
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", taken))
        squatter.listen()
        try:
            with pytest.raises(ClusterError, match=f"shard-1: 127.0.0.1:{taken} is in use"):
                start(cluster)
        finally:
            stop(cluster)


def test_a_node_that_will_not_start_is_reported_at_once_with_its_log(tmp_path, searchd):
    cluster = configure(tmp_path / "cluster", port=free_ports(5))
    for name in schema.TABLES:
        damaged = cluster.node("shard-0").table_path(name).with_suffix(".meta")
        damaged.write_bytes(b"not an RT table header")
    began = time.monotonic()
    try:
        with pytest.raises(ClusterError) as failure:
            start(cluster)
    finally:
        stop(cluster)
    message = str(failure.value)
    assert message.startswith("shard-0 stopped right after it started")
    assert "invalid meta file" in message and "FATAL: no valid indexes to serve" in message
    assert time.monotonic() - began < 10  # told at once, not after the start timeout


def test_mirrors_answer_once_per_row_and_a_dead_copy_never_gives_a_wrong_answer(tmp_path, searchd):
    with running_cluster(tmp_path / "cluster", shards=1, mirrors=2) as cluster:
        for node in cluster.copies(0):  # copies do not replicate: a writer writes each
            write(node, 3, sha("three"), "镜像 副本")
        assert match_ids(cluster.aggregator, "镜像") == [3]
        mirror = cluster.node("shard-0-mirror-1")
        os.kill(node_pid(mirror), signal.SIGKILL)
        # Sphinx 2.2 does not retry another copy: a query sent to the dead one fails,
        # naming it; every other answers in full.
        for _ in range(10):
            try:
                assert match_ids(cluster.aggregator, "镜像") == [3]
            except Error as error:
                assert f":{mirror.api_port}" in str(error)
        assert [a.node.name for a in start(cluster) if a.action == STARTED] == [mirror.name]
        assert match_ids(mirror, "副本") == [3]


# --- the command line -----------------------------------------------------------------


def stdsearch(data: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "search_app.cli", "--data", str(data), "cluster", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_cluster_commands_on_a_data_directory(tmp_path, searchd):
    data = tmp_path / "data"
    missing = stdsearch(data, "status")
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: no cluster in") and missing.stderr.count("\n") == 1

    port = free_ports(5)
    try:
        configured = stdsearch(data, "config", "--port", str(port))
        assert configured.returncode == 0, configured.stderr
        assert (data / "cluster" / "shard-1" / "sphinx.conf").is_file()

        started = stdsearch(data, "start")
        assert started.returncode == 0, started.stderr
        assert f"cluster up: search through SphinxQL on 127.0.0.1:{port}" in started.stdout
        assert "already running" in stdsearch(data, "start").stdout

        report = json.loads(stdsearch(data, "status", "--json").stdout)
        assert report["up"] and report["shards"] == 2 and report["port"] == port
        assert [n["name"] for n in report["nodes"]] == ["aggregator", "shard-0", "shard-1"]
        assert all(n["running"] and n["answering"] and n["pid"] for n in report["nodes"])
        assert report["nodes"][1]["api_port"] == port + 2

        refused = stdsearch(data, "start", "--shards", "3")
        assert refused.returncode == 1 and refused.stderr.startswith("error: the cluster in")

        stopped = stdsearch(data, "stop")
        assert stopped.returncode == 0 and stopped.stdout.count("stopped ") == 3
        after = json.loads(stdsearch(data, "status", "--json").stdout)
        assert not after["up"] and not any(n["running"] for n in after["nodes"])
    finally:
        if Cluster.exists(data / "cluster"):
            stop(Cluster.load(data / "cluster"))


def test_supervise_runs_until_sigterm_and_leaves_the_nodes_running(tmp_path, searchd):
    data = tmp_path / "data"
    assert stdsearch(data, "config", "--port", str(free_ports(5))).returncode == 0
    cluster = Cluster.load(cluster_folder(data))
    command = [sys.executable, "-m", "search_app.cli", "--data", str(data), "cluster"]
    supervisor = subprocess.Popen(
        [*command, "supervise", "--interval", "0.2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [supervisor.stdout.readline() for _ in range(5)]
        assert lines[0].startswith("supervising the cluster in")
        assert sorted(line.split(" (")[0] for line in lines[1:4]) == [
            "started aggregator",
            "started shard-0",
            "started shard-1",
        ]
        assert lines[4].startswith("watching aggregator, shard-0, shard-1 every 0.2 s")
        supervisor.send_signal(signal.SIGTERM)
        out, err = supervisor.communicate(timeout=30)
        assert supervisor.returncode == 0, err
        assert out.strip().endswith("supervisor stopped; the nodes keep running")
        assert all(s.answering for s in status(cluster))
    finally:
        supervisor.kill()
        supervisor.communicate()
        stop(cluster)


def test_every_cluster_command_has_help():
    from click.testing import CliRunner

    from search_app.cli import main

    for command in ("config", "start", "stop", "status", "supervise"):
        result = CliRunner().invoke(main, ["cluster", command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, command


def test_a_cluster_over_two_machines_each_running_its_own_nodes(tmp_path, searchd):
    """Two loopback addresses stand for two machines: shard-1 is placed on 127.0.0.2,
    where only `--node shard-1` starts it; the aggregator reaches it there, and the
    library's standards are found from both machines' shards."""
    data = tmp_path / "data"
    port = free_ports(5)
    try:
        placed = stdsearch(data, "config", "--port", str(port), "--place", "shard-1=127.0.0.2")
        assert placed.returncode == 0, placed.stderr
        cluster = Cluster.load(cluster_folder(data))
        assert [n.host for n in cluster.nodes] == ["127.0.0.1", "127.0.0.1", "127.0.0.2"]
        assert f"127.0.0.2:{port + 4}:{schema.TABLES[0]}" in aggregator_config(cluster)
        assert f"127.0.0.2:{port + 3}:mysql41" in shard_config(cluster, cluster.node("shard-1"))

        there = stdsearch(data, "start", "--node", "shard-1")
        assert there.returncode == 0, there.stderr
        assert [node_pid(n) is not None for n in cluster.nodes] == [False, False, True]
        here = stdsearch(data, "start", "--node", "shard-0", "--node", "aggregator")
        assert here.returncode == 0, here.stderr
        assert f"search through SphinxQL on 127.0.0.1:{port}" in here.stdout
        # A later change of the layout keeps the node where it was placed.
        assert Cluster.load(cluster_folder(data)).places == {"shard-1": "127.0.0.2"}

        command = [sys.executable, "-m", "search_app.cli", "--data", str(data)]
        command += ["--engine", "sphinxql"]
        ingested = subprocess.run(
            [*command, "ingest", str(ROOT / "corpus" / "samples"), "--no-ocr", "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert ingested.returncode == 0, ingested.stderr
        shas = {o["sha256"] for o in json.loads(ingested.stdout)}
        assert {shard_of(sha, 2) for sha in shas} == {0, 1}
        report = json.loads(stdsearch(data, "status", "--json").stdout)
        rows = {n["name"]: n["documents"] for n in report["nodes"]}
        assert rows["shard-1"] > 0 and rows["shard-0"] > 0
        assert rows["aggregator"] == rows["shard-0"] + rows["shard-1"]

        stopped = stdsearch(data, "stop", "--node", "shard-1")
        assert stopped.returncode == 0 and stopped.stdout.count("stopped ") == 1
        assert [node_pid(n) is not None for n in cluster.nodes] == [True, True, False]
        unknown = stdsearch(data, "start", "--node", "shard-7")
        assert unknown.returncode == 1 and "no node 'shard-7'" in unknown.stderr
    finally:
        if Cluster.exists(data / "cluster"):
            stop(Cluster.load(data / "cluster"))
