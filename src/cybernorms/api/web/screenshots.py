"""``python -m cybernorms.api.web.screenshots OUTDIR``: PNGs of the dashboard's main pages.

Serves the app on loopback (``api.loopback.serving``) over a scratch registry holding one
illustrative state (a root and two profile versions, signed by keys made for the run), so the
state page has something to show, and photographs each page with Debian's chromium
(``browser``). The README's screenshots in ``docs/screenshots/`` are made by this command.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cybernorms.api.app import create_app
from cybernorms.api.loopback import serving
from cybernorms.api.settings import Settings
from cybernorms.api.web.browser import chromium_context

PAGES = (
    ("incidents", "/web/"),
    ("incidents-filtered", "/web/?victim=UKR&outcome=violation&basis=consensus"),
    ("incident", "/web/incident?id=cn:2017-notpetya"),
    (
        "explanation",
        "/web/explain?incident=cn:2017-notpetya&rule=gge2015.f&subject=RUS&basis=consensus",
    ),
    ("rule", "/web/rule?id=il.sovereignty"),
    ("state", "/web/states/EST"),
    ("charts", "/web/charts"),
    ("upload", "/web/upload"),
    ("forums", "/web/forums"),
    ("forum", "/web/forums/oewg-2019-2021"),
    ("call", "/web/forums/oewg-2019-2021/calls/adopt-final-report"),
    ("decision", "/web/decisions/oewg-2019-2021/adopt-final-report"),
    ("treaty", "/web/treaties/un-cybercrime-convention"),
    ("departures", "/web/departures"),
)


def demo_registry(url: str) -> None:
    """A registry with EST's root and two profile versions (illustrative keys of this run)."""
    from cybernorms.store import Registry
    from cybernorms.trust import (
        PROFILE_PAYLOAD_TYPE,
        ROOT_PAYLOAD_TYPE,
        Root,
        SigningKey,
        sign_document,
    )

    keys = [SigningKey.generate("EST"), SigningKey.generate("EST")]
    expires = datetime.now(UTC).replace(microsecond=0) + timedelta(days=365)
    root = Root.create("EST", 1, expires, [k.public for k in keys], 2)
    with Registry.init(url) as registry:
        registry.publish_root(sign_document(ROOT_PAYLOAD_TYPE, root.to_document(), keys))
        for version, start, sectors in (
            (1, dt.date(2021, 1, 1), ["energy", "health", "government"]),
            (2, dt.date(2024, 6, 1), ["energy", "health", "government", "finance", "telecom"]),
        ):
            document = {
                "state": "EST",
                "version": version,
                "effective_from": start.isoformat(),
                "parameters": {"critical_sectors": sectors},
            }
            registry.publish_profile(sign_document(PROFILE_PAYLOAD_TYPE, document, keys))
        registry.checkpoint()


def take(outdir: Path) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="cybernorms-shots-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'registry.db'}"
        demo_registry(url)
        app = create_app(Settings(db_url=url))
        with serving(app) as base, chromium_context(width=1280, height=860) as browser:
            page = browser.new_page()
            for name, path in PAGES:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                target = outdir / f"{name}.png"
                page.screenshot(path=str(target), full_page=False)
                written.append(target)
            written.append(_upload_result(page, base, outdir))
            written.append(_refused_publication(page, base, outdir))
        app.state.context.close()
    return written


def _upload_result(page: Any, base: str, outdir: Path) -> Path:
    """The verdicts of an uploaded file (a curated incident, sent through the upload form)."""
    from cybernorms.api.web.catalogue import default_incidents_dir

    found = default_incidents_dir()
    if found is None:
        raise SystemExit("no examples/incidents here: run from a source checkout")
    page.goto(base + "/web/upload")
    page.set_input_files("input[type=file]", str(found / "2021-colonial-pipeline.yaml"))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#job[data-state=done]")
    target = outdir / "upload-result.png"
    page.screenshot(path=str(target))
    return target


def _refused_publication(page: Any, base: str, outdir: Path) -> Path:
    """The publish page showing a refusal's reason: a profile of a state with no root."""
    from cybernorms.trust import PROFILE_PAYLOAD_TYPE, SigningKey, sign_document

    document = {"state": "FRA", "version": 1, "effective_from": "2024-01-01", "parameters": {}}
    envelope = sign_document(PROFILE_PAYLOAD_TYPE, document, [SigningKey.generate("FRA")])
    page.goto(base + "/web/publish")
    page.fill("textarea[name=envelope]", envelope.to_bytes().decode())
    page.click("#publish-form button[type=submit]")
    page.wait_for_selector("#publish-reason")
    target = outdir / "publish-refused.png"
    page.screenshot(path=str(target))
    return target


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m cybernorms.api.web.screenshots OUTDIR", file=sys.stderr)
        return 2
    for path in take(Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
