"""The dashboard's pages as HTML (no browser): every data string escaped, filters that
select what they say, national views labelled as such, refusals as pages with a reason."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def test_a_hostile_incident_is_shown_as_text_never_as_markup(
    client: TestClient, hostile_id: str
) -> None:
    listing = client.get("/web/").text
    page = client.get(f"/web/incident?id={quote(hostile_id)}")
    assert page.status_code == 200
    for shown in (listing, page.text):
        assert "<script>alert" not in shown
        assert "<img src=x" not in shown
        assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "&lt;script&gt;alert(&#34;id&#34;)&lt;/script&gt;&amp;amp;" in page.text
    assert "&lt;/p&gt;&lt;script&gt;alert(&#34;description&#34;)" in page.text
    assert 'href="javascript:' not in page.text  # a source that is no web address is no link


def test_the_explanation_of_a_hostile_incident_is_escaped(
    client: TestClient, hostile_id: str
) -> None:
    page = client.get(
        f"/web/explain?incident={quote(hostile_id)}&rule=gge2015.f&subject=RUS&basis=consensus"
    )
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "Reasoning" in page.text and "<details" in page.text


def test_filters_select_incidents_by_victim_date_and_verdict(client: TestClient) -> None:
    everything = client.get("/web/").text
    assert "4</strong> of 4 incidents" in everything
    by_victim = client.get("/web/?victim=EST").text
    assert "1</strong> of 4 incidents" in by_victim and "cn:2007-estonia-ddos" in by_victim
    by_dates = client.get("/web/?start=2015-01-01&end=2017-12-31").text
    assert "2</strong> of 4 incidents" in by_dates
    assert "cn:2007-estonia-ddos" not in by_dates
    violated = client.get("/web/?rule=il.sovereignty&outcome=violation&basis=restatement").text
    assert "cn:2017-notpetya" in violated and "cn:2007-estonia-ddos" not in violated


def test_a_bad_date_filter_is_refused_with_its_reason(client: TestClient) -> None:
    page = client.get("/web/?start=yesterday")
    assert page.status_code == 422
    assert "InvalidFilter" in page.text and "not a date" in page.text


def test_national_views_are_labelled_never_consensus(client: TestClient) -> None:
    page = client.get("/web/incident?id=cn:2017-notpetya").text
    assert "national view of FRA" in page and "national view of GBR" in page
    assert "position:FRA" not in page.replace("basis=position%3AFRA", "")
    assert 'class="cell departs"' in page  # GBR reads sovereignty otherwise on NotPetya


def test_a_groups_reading_is_its_common_view_with_its_members(client: TestClient) -> None:
    page = client.get("/web/incident?id=cn:2017-notpetya").text
    assert "common view of group:AU" in page
    assert "position:group" not in page and "national view of group" not in page
    rules = client.get("/web/rules").text
    assert 'href="/web/states/group%3AAU">common view of group:AU</a>' in rules
    group = client.get("/web/states/group:AU")
    assert group.status_code == 200
    assert (
        "Common view of group:AU" in group.text and 'href="/web/states/KEN">KEN</a>' in group.text
    )
    member = client.get("/web/states/KEN").text
    assert "Common view of group:AU" in member  # a member's page shows its group's reading
    sovereignty = client.get("/web/rule?id=il.sovereignty").text
    assert "Common view of group:AU" in sovereignty
    explained = client.get(
        "/web/explain?incident=cn:2017-notpetya&rule=il.sovereignty&subject=RUS&basis=group:AU"
    )
    assert explained.status_code == 200, explained.text
    assert "common view of group:AU" in explained.text and 'class="tag national"' in explained.text


def test_rule_page_shows_text_source_criterion_and_examples(client: TestClient) -> None:
    page = client.get("/web/rule?id=il.sovereignty").text
    assert "violated when" in page and "<code>" in page
    assert "National view of GBR" in page
    assert "Examples" in page and "no examples" not in page
    assert "Analysis findings" in page
    # GBR reads no standalone sovereignty rule: a departure stated as such
    assert (
        "national view of GBR reads no such rule (no standalone rule in this reading) where "
        "the package finds a violation" in page
    )
    assert "witness incident" in page


def test_unknown_names_are_pages_with_a_reason(client: TestClient) -> None:
    for url in ("/web/incident?id=nope", "/web/rule?id=nope", "/web/jobs/nope"):
        page = client.get(url)
        assert page.status_code == 404, url
        assert "UnknownName" in page.text


def test_state_page_reads_the_registry(client: TestClient) -> None:
    page = client.get("/web/states/UKR").text
    assert "has published no profile on this registry" in page
    assert "Incidents targeting UKR" in page and "cn:2017-notpetya" not in page  # names shown


def test_charts_are_inline_svg(client: TestClient) -> None:
    page = client.get("/web/charts").text
    assert page.count("<svg") == 2 and "<script src=" in page
    assert (
        "http" not in page.split("<main>")[1].split("</main>")[0]
    )  # nothing loaded from elsewhere


def test_an_upload_is_evaluated_in_the_background(client: TestClient, incidents_dir: Any) -> None:
    data = (incidents_dir / "2017-notpetya.yaml").read_bytes()
    answer = client.post(
        "/web/upload", files={"file": ("notpetya.yaml", data)}, follow_redirects=False
    )
    assert answer.status_code == 303
    job = answer.headers["location"]
    progress = client.get(job + "/progress").json()
    deadline = time.monotonic() + 30
    while progress["state"] not in ("done", "refused") and time.monotonic() < deadline:
        time.sleep(0.1)
        progress = client.get(job + "/progress").json()
    assert progress["state"] == "done" and progress["done"] == progress["total"] == 1
    page = client.get(job).text
    assert "NotPetya destructive malware" in page and "national view of FRA" in page


def test_a_bad_upload_ends_with_its_reason(client: TestClient) -> None:
    answer = client.post("/web/upload", files={"file": ("bad.yaml", b"id: [unclosed")})
    deadline = time.monotonic() + 30
    page = answer.text
    while 'data-state="refused"' not in page and time.monotonic() < deadline:
        time.sleep(0.1)
        page = client.get(str(answer.url)).text
    assert 'data-state="refused"' in page and "bad.yaml" in page
    assert "cybernorms-upload-" not in page  # the scratch copy's path is not shown


def _finished(client: TestClient, job: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    progress: dict[str, Any] = client.get(job + "/progress").json()
    while progress["state"] not in ("done", "refused") and time.monotonic() < deadline:
        time.sleep(0.1)
        progress = client.get(job + "/progress").json()
    return progress


def test_an_eurepoc_csv_upload_explains_with_its_source_cells(client: TestClient) -> None:
    csv = (Path(__file__).resolve().parents[1] / "data" / "eurepoc" / "good.csv").read_bytes()
    answer = client.post("/web/upload", files={"file": ("good.csv", csv)}, follow_redirects=False)
    job = answer.headers["location"]
    progress = _finished(client, job)
    assert progress["state"] == "done" and progress["total"] >= 1
    page = client.get(job).text
    links = re.findall(r'href="(/web/explain\?[^"]*job=[^"]*)"', page)
    assert links, "the upload's verdicts link to their explanations"
    explained = [client.get(html.unescape(link)).text for link in links[:40]]
    assert any("source cell: eurepoc" in e for e in explained)


def test_state_page_shows_profile_versions_signers_and_log_entries(
    tmp_path: Path, incidents_dir: Path
) -> None:
    from cybernorms.api.app import create_app
    from cybernorms.api.settings import Settings
    from cybernorms.api.web.screenshots import demo_registry

    url = f"sqlite:///{tmp_path / 'registry.db'}"
    demo_registry(url)  # EST: root v1 (two keys, threshold 2), profile versions 1 and 2
    app = create_app(Settings(db_url=url, incidents=incidents_dir))
    with TestClient(app) as client:
        page = client.get("/web/states/EST").text
    app.state.context.close()
    registry_table = page.split('id="profiles"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>(\d)</td><td>([^<]*)</td>", registry_table)
    assert rows == [("1", "2021-01-01 – 2024-06-01 (a later version)"), ("2", "2024-06-01 – open")]
    assert page.count("root v1 key 1, root v1 key 2") == 2
    assert 'href="/log/entries/1"' in page and 'href="/log/entries/2"' in page
    assert page.count("<rect") == 2  # the timeline: one bar per version


def test_the_servers_address_leads_to_the_dashboard(client: TestClient) -> None:
    answer = client.get("/", follow_redirects=False)
    assert answer.status_code == 307 and answer.headers["location"] == "/web/"
    assert "/" not in client.get("/openapi.json").json()["paths"]  # not an API resource


def test_a_rule_page_counts_its_verdicts_in_its_questions_words(client: TestClient) -> None:
    """The per-rule tallies of an attribution and a permission rule name no violation."""
    for rule, words in (
        ("il.state_responsibility", ("attributable",)),
        ("il.countermeasures", ("permitted", "not_permitted", "undetermined")),
    ):
        page = client.get(f"/web/rule?id={rule}")
        assert page.status_code == 200
        counts = page.text[page.text.index("<th>outcomes</th>") :]
        counts = counts[: counts.index("</table>")]
        assert any(f'class="outcome {w}"' in counts for w in words), counts
        assert "outcome violation" not in counts and "outcome no_violation" not in counts
    incident = client.get("/web/incident?id=cn:2017-notpetya").text
    assert '<span class="outcome attributable">attributable</span>' in incident
