"""The forum answers read a registry's log once it holds forum acts: they reflect its latest
signed checkpoint (never an act after it), and say so in ``reflects`` and ``checkpoint``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from cybernorms.api.app import create_app
from cybernorms.api.routes.forums import RECORD_HEADER
from cybernorms.api.settings import Settings
from cybernorms.forum.history import RECORDER, load_history
from cybernorms.forum.signed import ACT_PAYLOAD_TYPE, SignedAct
from cybernorms.service import forum_reads
from cybernorms.store import Registry
from cybernorms.trust import ROOT_PAYLOAD_TYPE, Root, SigningKey, sign_document
from cybernorms.trust.encoding import encode_base64

OEWG_CLOSED = 31  # the history's acts 0..31 end with the OEWG's decision; 32 is the summary


@pytest.fixture
def logged(registry: Registry, db_url: str) -> Iterator[tuple[Registry, TestClient]]:
    """The shipped history's acts up to the OEWG's decision, signed by a recorder's key of
    this run and published, then checkpointed."""
    identity = f"recorder:{RECORDER}"
    key = SigningKey.generate(identity)
    expires = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    root = Root.create(identity, 1, expires, [key.public], 1)
    registry.publish_root(sign_document(ROOT_PAYLOAD_TYPE, root.to_document(), [key]))
    history = load_history(forum_reads.shipped_history_path())
    for record in history[: OEWG_CLOSED + 2]:  # one act more than the checkpoint will cover
        signed = SignedAct(record.author, record.act).document()
        registry.publish_act(sign_document(ACT_PAYLOAD_TYPE, signed, [key]))
        if record.log_index == OEWG_CLOSED:
            registry.checkpoint()
    app = create_app(Settings(db_url=db_url))
    with TestClient(app) as client:
        yield registry, client
    app.state.context.close()


def test_answers_reflect_the_registrys_latest_checkpoint(
    logged: tuple[Registry, TestClient],
) -> None:
    registry, client = logged
    stored = registry.latest_checkpoint()
    assert stored is not None
    size = stored.checkpoint.size
    body = client.get("/v1/decisions/oewg-2019-2021/adopt-final-report").json()
    assert body["reflects"]["source"] == "registry"
    assert body["reflects"]["version"] == f"{size} {encode_base64(stored.checkpoint.root_hash)}"
    assert body["checkpoint"]["size"] == size
    assert body["decision"]["outcome"] == "adopted_without_vote"
    # the chair's summary was logged after the checkpoint: not shown yet
    assert body["national_statements"]["statements"] == []
    registry.checkpoint()
    later = client.get("/v1/decisions/oewg-2019-2021/adopt-final-report")
    assert later.headers[RECORD_HEADER].startswith(f"registry {size + 1} ")
    statements = later.json()["national_statements"]["statements"]
    assert [s["kind"] for s in statements] == ["chairs_summary"]
    assert "recorded from public sources" in statements[0]["attribution"]
    # the GGE 2021 and the Convention are not on this log: the registry's record says so
    assert client.get("/v1/treaties/un-cybercrime-convention/status").status_code == 404
