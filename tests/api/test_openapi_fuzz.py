"""Schemathesis over ``/openapi.json`` (issue 14 item 8): requests generated from the API's
own schema, a bounded number per operation. Whatever is sent, the server never answers 5xx,
and every 4xx is an RFC 9457 problem document naming its reason.

The registry behind it holds a root, a profile, a package and a position, so the read
models and tiles have something to serve.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from store.world import World  # noqa: E402

from cybernorms.api.app import create_app  # noqa: E402
from cybernorms.api.settings import Settings  # noqa: E402
from cybernorms.store import Registry  # noqa: E402

MAX_EXAMPLES = 25  # per operation: a bounded CI budget


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'registry.db'}"
    world = World()
    with Registry.init(url) as registry:
        registry.publish_root(world.signed_root("FRA", "12", 1, signers="1"))
        registry.publish_profile(world.profile("FRA", 1, signers="1"))
        registry.publish_package(world.package("p", "1.0.0", state="FRA", signers="1"), "FRA")
        registry.publish_position(world.position("FRA", signers="1"))
        registry.checkpoint()
    app = create_app(Settings(db_url=url))
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    app.state.context.close()


def test_no_5xx_and_every_4xx_is_a_problem_document(api_schema: Any) -> None:
    """Each operation in turn (schemathesis' pytest plugin does not run under pytest 9, so
    its strategies are driven by hypothesis directly)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def answered_properly(case: Any) -> None:
            response = case.call()
            where = f"{case.method} {case.formatted_path}"
            assert response.status_code < 500, (where, response.text[:500])
            if response.status_code >= 400:
                kind = response.headers["content-type"]  # schemathesis: a list of values
                kind = kind[0] if isinstance(kind, list) else kind
                assert kind == "application/problem+json", (where, kind, response.text[:200])
                problem = json.loads(response.content)
                assert problem["status"] == response.status_code
                assert {"type", "title", "detail", "reason"} <= set(problem)

        answered_properly()


def test_the_schema_lists_every_endpoint() -> None:
    paths = set(json.loads(json.dumps(create_app().openapi()))["paths"])
    assert {
        "/log/checkpoint",
        "/log/tile/{level}/{index}",
        "/log/tile/entries/{index}",
        "/log/proof/{index}",
        "/v1/acts",
        "/v1/states/{iso3}/profiles",
        "/v1/packages",
        "/v1/positions",
        "/v1/evaluate",
        "/v1/explain",
    } <= paths
