"""ClusterSettings: the embedding model's thread count."""

from __future__ import annotations

import pytest

from headlinez.settings import ClusterSettings, SettingsError

BASE = {"TABLE_NAME": "headlinez-test"}


def test_the_embedding_thread_count_is_one_by_default_and_validated() -> None:
    assert ClusterSettings.from_env(BASE).embedding_threads == 1  # a Lambda's one vCPU
    assert ClusterSettings.from_env({**BASE, "CLUSTER_EMBEDDING_THREADS": "4"}).embedding_threads == 4
    for bad in ("0", "many", "64"):
        with pytest.raises(SettingsError, match="CLUSTER_EMBEDDING_THREADS"):
            ClusterSettings.from_env({**BASE, "CLUSTER_EMBEDDING_THREADS": bad})
