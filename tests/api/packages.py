"""Signed packages for the API tests: a one-rule package as ``cybernorms check`` accepts it,
or with a broken rule (the reproduction of issue 14 finding 2)."""

from __future__ import annotations

from typing import Any

from store.world import World

from cybernorms.trust.envelope import PACKAGE_PAYLOAD_TYPE, Envelope, sign_document


def package_document(
    name: str = "demo", version: str = "1.0.0", violated_when: str = 'attribution.level == "direct"'
) -> dict[str, Any]:
    return {
        "package": name,
        "version": version,
        "title": "Demo",
        "rules": [
            {
                "id": f"{name}.direct",
                "title": "Direct attribution",
                "kind": "law",
                "subject": "attribution.state",
                "source": "our own",
                "text": "(our own) an operation by a state's organs.",
                "violated_when": violated_when,
            }
        ],
    }


def signed_package(world: World, state: str, signers: str, **fields: Any) -> Envelope:
    return sign_document(
        PACKAGE_PAYLOAD_TYPE, package_document(**fields), world.keys(state, signers)
    )
