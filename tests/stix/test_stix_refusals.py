"""A bundle that is not valid STIX 2.1 is refused whole, with the object and field named."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stix_bundles import bundle, obj, rel, sid

from cybernorms.errors import CybernormsError
from cybernorms.ingest.stix import StixError, read_bundle


def refusal(source: Any) -> StixError:
    with pytest.raises(StixError) as caught:
        read_bundle(source)
    assert isinstance(caught.value, CybernormsError)
    return caught.value


def test_not_json_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"type": "bundle",\n  "id": oops}')
    error = refusal(path)
    assert f"{path}:2:" in str(error) and "not JSON" in str(error)


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    path.write_text('{"type": "bundle", "type": "bundle"}')
    assert "duplicate key 'type'" in str(refusal(path))


def test_a_json_list_is_not_a_bundle() -> None:
    assert "expected a STIX bundle" in str(refusal([]))  # type: ignore[arg-type]


def test_a_stix_2_0_bundle_is_refused() -> None:
    data = bundle(obj("campaign", 1, name="c")) | {"spec_version": "2.0"}
    error = refusal(data)
    assert error.field == "spec_version" and "STIX 2.0" in str(error)


def test_an_object_of_another_spec_version_is_refused_by_id() -> None:
    campaign = obj("campaign", 1, name="c") | {"spec_version": "2.0"}
    error = refusal(bundle(campaign))
    assert error.object_id == campaign["id"] and error.field == "spec_version"


def test_an_sdo_without_spec_version_is_refused() -> None:
    campaign = obj("campaign", 1, name="c")
    del campaign["spec_version"]
    assert refusal(bundle(campaign)).field == "spec_version"


def test_a_relationship_to_a_missing_object_names_it() -> None:
    campaign = obj("campaign", 1, name="c")
    ghost = obj("identity", 9, name="not in the bundle", identity_class="organization")
    link = rel(2, "targets", campaign, ghost)
    error = refusal(bundle(campaign, link))
    assert error.object_id == link["id"] and error.field == "target_ref"
    assert ghost["id"] in str(error)


@pytest.mark.parametrize("garbage", ["Garbage!!", "", 42, None, "a"])
def test_garbage_types_are_refused(garbage: object) -> None:
    thing = {
        "type": garbage,
        "id": f"{garbage}--{sid('x', 1).split('--')[1]}",
        "spec_version": "2.1",
    }
    error = refusal(bundle(thing))
    assert error.field == "type" and error.object_id


def test_an_id_of_another_type_is_refused() -> None:
    campaign = obj("campaign", 1, name="c") | {"id": sid("identity", 1)}
    error = refusal(bundle(campaign))
    assert error.object_id == sid("identity", 1) and error.field == "id"


def test_stix2_rejections_name_the_property() -> None:
    campaign = obj("campaign", 1, name="c", first_seen="last tuesday")
    error = refusal(bundle(campaign))
    assert error.object_id == campaign["id"] and error.field == "first_seen"
    nameless = obj("campaign", 2)
    assert refusal(bundle(nameless)).field == "name"


def test_an_object_that_is_not_an_object_names_its_position() -> None:
    error = refusal(bundle(obj("campaign", 1, name="c"), "campaign"))  # type: ignore[arg-type]
    assert error.object_id == "objects[1]"


def test_two_different_objects_with_one_id_and_version_are_refused() -> None:
    a, b = obj("campaign", 1, name="a"), obj("campaign", 1, name="b")
    assert refusal(bundle(a, b)).field == "modified"


def test_the_newest_version_of_an_object_is_read() -> None:
    old = obj("campaign", 1, name="old")
    new = obj("campaign", 1, name="new") | {"modified": "2021-01-01T00:00:00.000Z"}
    result = read_bundle(bundle(new, old))
    assert [i.name for i in result.incidents] == ["new"]
    assert any("several versions" in n for n in result.notes)


def test_custom_objects_and_properties_are_accepted_and_ignored() -> None:
    custom = obj("x-acme-thing", 1, x_colour="red")
    campaign = obj("campaign", 2, name="c", x_acme_score=3)
    result = read_bundle(bundle(custom, campaign))
    assert [i.name for i in result.incidents] == ["c"]
    assert [(o.type, o.reason) for o in result.ignored] == [("x-acme-thing", "custom object type")]


def test_reference_data_that_is_not_there_is_refused(tmp_path: Path) -> None:
    from cybernorms.ingest.stix import References

    with pytest.raises(StixError, match="cannot read"):
        References.load(misp_galaxy=tmp_path)
    with pytest.raises(StixError, match="no ATT&CK data"):
        References.load(mitre_attack=tmp_path)
    (tmp_path / "threat-actor.json").write_text("[]")
    with pytest.raises(StixError, match="not a MISP galaxy cluster file"):
        References.load(misp_galaxy=tmp_path)


def test_front_ends_can_tell_a_bundle_from_an_incident_file() -> None:
    from cybernorms.ingest.stix import is_stix_bundle

    assert is_stix_bundle(bundle(obj("campaign", 1, name="c")))
    assert not is_stix_bundle({"id": "eurepoc:1", "name": "an incident"})
    assert not is_stix_bundle([])


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=20)
    | st.sampled_from(
        ["2.1", "campaign", "relationship", "2020-01-01T00:00:00Z", sid("campaign", 1)]
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "id",
                    "spec_version",
                    "name",
                    "created",
                    "modified",
                    "first_seen",
                    "source_ref",
                    "target_ref",
                    "relationship_type",
                    "object_refs",
                    "sectors",
                    "x_a",
                ]
            ),
            inner,
            max_size=6,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_JSON, max_size=3), st.booleans())
def test_any_json_is_accepted_or_refused_with_a_named_reason(
    objects: list[Any], valid_first: bool
) -> None:
    prefix = [obj("campaign", 7, name="c")] if valid_first else []
    with contextlib.suppress(CybernormsError):  # a refusal is fine; anything else is a bug
        read_bundle(bundle(*prefix, *objects))


def test_a_refusal_is_one_document_problem_for_front_ends_that_collect_them() -> None:
    from cybernorms.model.documents import DocumentError

    campaign = obj("campaign", 1, name="c") | {"spec_version": "2.0"}
    error = refusal(bundle(campaign))
    assert isinstance(error, DocumentError)
    (problem,) = error.problems
    assert problem.where == f"<bundle>: {campaign['id']}"
    assert problem.message.startswith("spec_version: ")
