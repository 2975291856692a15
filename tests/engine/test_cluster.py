"""The local SphinxQL cluster: its layout and the configs written from the schema."""

from __future__ import annotations

import hashlib
import json
import zlib

import pytest

from indexer.engine.sphinxql import schema
from indexer.engine.sphinxql.cluster import Cluster, ClusterError, cluster_folder, shard_of
from indexer.engine.sphinxql.config import aggregator_config, shard_config


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


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
    assert [value for key, value in pairs if key == "rt_field"] == list(schema.FIELDS)
    attributes = {value: key for key, value in pairs if key.startswith("rt_attr_")}
    assert attributes == {name: f"rt_attr_{kind}" for name, kind in schema.ATTRIBUTES.items()}
    folder = tmp_path.resolve() / "shard-1"
    settings = dict(pairs)
    assert settings["type"] == "rt"
    assert settings["charset_table"] == schema.CHARSET_TABLE
    assert settings["path"] == f"{folder}/data/clauses"
    assert settings["binlog_path"] == f"{folder}/binlog"
    assert settings["pid_file"] == f"{folder}/searchd.pid"
    assert settings["log"] == f"{folder}/searchd.log"
    assert "rt_mem_limit" in settings
    listeners = [value for key, value in pairs if key == "listen"]
    assert listeners == ["127.0.0.1:24003:mysql41", "127.0.0.1:24004"]
    assert text.count("index clauses\n{") == 1 and text.count("searchd\n{") == 1


def test_the_aggregator_config_points_agents_at_the_api_ports(tmp_path):
    cluster = Cluster.plan(tmp_path, shards=2, mirrors=2, port=25000)
    pairs = directives(aggregator_config(cluster))
    settings = dict(pairs)
    assert settings["type"] == "distributed"
    assert [value for key, value in pairs if key == "agent"] == [
        "127.0.0.1:25002|127.0.0.1:25004:clauses",
        "127.0.0.1:25006|127.0.0.1:25008:clauses",
    ]
    assert int(settings["agent_connect_timeout"]) < int(settings["agent_query_timeout"])
    assert [value for key, value in pairs if key == "listen"] == ["127.0.0.1:25000:mysql41"]
    single = dict(directives(aggregator_config(Cluster.plan(tmp_path, port=25000))))
    assert single["agent"] == "127.0.0.1:25004:clauses" and "ha_strategy" not in single


def test_configs_use_only_directives_manticore_still_reads(tmp_path):
    cluster = Cluster.plan(tmp_path)
    for text in (aggregator_config(cluster), shard_config(cluster, cluster.shard_nodes[0])):
        keys = {key for key, _ in directives(text)}
        assert not keys & {"workers", "data_dir", "max_children", "prefork_rotation_throttle"}


def test_a_folder_the_config_language_cannot_name_is_refused(tmp_path):
    cluster = Cluster.plan(tmp_path / "a#b")
    with pytest.raises(ClusterError, match="'#'"):
        shard_config(cluster, cluster.shard_nodes[0])
