"""Shared fixtures: the real-data folder, a network guard, and a moto table from template.yaml."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("HEADLINEZ_DATA_DIR", REPO_ROOT.parent / "shared" / "data"))
SNAPSHOT_FEEDS = DATA_DIR / "feeds" / "fastfeedparser" / "benchmark_data" / "files"

requires_data = pytest.mark.skipif(
    not DATA_DIR.is_dir(), reason=f"real data folder {DATA_DIR} is absent (set HEADLINEZ_DATA_DIR)"
)

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = str(address[0])
    return host in {"127.0.0.1", "::1", "localhost"} or host.startswith("127.")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _is_local(address):
        raise ConnectionRefusedError(f"tests may only connect to 127.0.0.1, not {address!r}")
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if not _is_local(address):
        raise ConnectionRefusedError(f"tests may only connect to 127.0.0.1, not {address!r}")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def _shared_embedding_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every local stack of the run (subprocesses inherit it) shares one embedding cache file:
    a vector is a pure function of model and text, so the snapshot's articles are embedded once
    per run instead of once per stack (~5-10 s of CPU each)."""
    base = tmp_path_factory.getbasetemp()
    folder = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # one per run, both workers
    os.environ.setdefault("HEADLINEZ_EMBEDDING_CACHE", str(folder / "embeddings-shared.npz"))


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test: a socket may connect to loopback only, so no bug can reach another host."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def dynamodb_table(aws_env: None) -> Iterator[str]:
    """A moto table created from template.yaml's HeadlinezTable (the one source of truth)."""
    import boto3
    from moto import mock_aws

    from headlinez.template import load_template, table_definition

    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(TableName="headlinez-test",
                            **table_definition(load_template(REPO_ROOT / "template.yaml")))
        yield "headlinez-test"
