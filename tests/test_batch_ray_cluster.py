"""``--ray ADDRESS``: the batch joins a Ray cluster that was already running, started the way an
operator starts one (``ray start --head``, then ``ray start --address`` for each further node).
Here the two nodes share this machine, one CPU each, so the tasks must spread over both; the
outputs equal the local worker processes', and the cluster is left running for its owner."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from assistant.batch.run import run_batch
from assistant.config import Settings
from tests.batch_helpers import assert_same_outputs, make_refs

RAY = Path(sys.executable).with_name("ray")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not RAY.exists(), reason="the ray command is not installed")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _ray(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(RAY), *args], capture_output=True, text=True, env=env, timeout=180)


def _alive_nodes(env: dict[str, str], address: str) -> list[str]:
    code = (f"import json, ray; ray.init(address={address!r}, logging_level='ERROR'); "
            "print(json.dumps([n['NodeID'] for n in ray.nodes() if n['Alive']])); ray.shutdown()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    return list(json.loads(out.stdout.strip().splitlines()[-1])) if out.returncode == 0 else []


def test_ray_address_joins_a_running_two_node_cluster(tmp_path: Path) -> None:
    # a short temp dir: Ray's socket paths must fit in 107 characters
    ray_tmp = Path(tempfile.gettempdir()) / f"rc{os.getpid()}"
    env = {**os.environ, "RAY_TMPDIR": str(ray_tmp), "RAY_USAGE_STATS_ENABLED": "0"}
    address = f"127.0.0.1:{_free_port()}"
    try:
        head = _ray(env, "start", "--head", "--num-cpus=1", f"--port={address.split(':')[1]}",
                    "--include-dashboard=false", "--disable-usage-stats")
        assert head.returncode == 0, head.stderr[-2000:]
        node = _ray(env, "start", f"--address={address}", "--num-cpus=1", "--disable-usage-stats")
        assert node.returncode == 0, node.stderr[-2000:]
        deadline = time.monotonic() + 60
        while len(_alive_nodes(env, address)) < 2 and time.monotonic() < deadline:
            time.sleep(1)
        nodes = _alive_nodes(env, address)
        assert len(nodes) == 2, nodes

        refs = make_refs(tmp_path / "refs", broken_pdf=False)
        s = Settings(cache_dir="off", workers=2)  # type: ignore[arg-type]

        os.environ["RAY_TMPDIR"] = str(ray_tmp)
        try:
            on_cluster = run_batch(refs, tmp_path / "cluster", ray=address, workers=2, settings=s)
        finally:
            os.environ.pop("RAY_TMPDIR", None)
        assert (on_cluster.done, on_cluster.failed) == (3, 0)
        assert on_cluster.pages_run == on_cluster.pages > 0
        # the tasks ran on both nodes: each started worker processes of its own
        logs = ray_tmp / "ray" / "session_latest" / "logs"
        worker_nodes = set()
        for f in logs.glob("python-core-worker-*.log"):
            text = f.read_text(errors="replace")
            k = text.find("node_id=")
            if k != -1:
                worker_nodes.add(text[k + 8:k + 8 + 56])
        assert worker_nodes == set(nodes), (worker_nodes, nodes)
        # the cluster is its owner's: the batch disconnected and left both nodes running
        assert len(_alive_nodes(env, address)) == 2

        local = run_batch(refs, tmp_path / "local", workers=2, settings=s)
        assert local.pages == on_cluster.pages
        assert_same_outputs(tmp_path / "cluster", tmp_path / "local")
    finally:
        _ray(env, "stop", "--force")
        shutil.rmtree(ray_tmp, ignore_errors=True)
