"""A hostile or broken document is refused with a located reason, quickly, never a traceback.

Each case is a reproduction from issue 14 (findings 3 and 4) or a neighbour of one: an
impossible date, nesting 100,000 deep, an anchor used inside itself, a named pipe given as an
input, bytes that are not UTF-8, an alias bomb. The threat is a document's author: anything
they write must end as an accepted document or a ``DocumentError`` naming the place, and the
refusal must come before the document costs memory or time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybernorms.cli.app import app
from cybernorms.errors import LimitExceeded
from cybernorms.ingest.files import load_incidents
from cybernorms.limits import LIMITS, Limits
from cybernorms.model.documents import (
    DocumentError,
    DocumentLimitExceeded,
    load_file,
    parse_text,
)

REPO = Path(__file__).resolve().parents[2]
ESTONIA = REPO / "examples" / "incidents" / "2007-estonia-ddos.yaml"
runner = CliRunner()


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def refusal(path: Path, limits: Limits = LIMITS) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        load_file(path, limits)
    return caught.value


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), f"{args} raised {result.exception!r}"
    return result.exit_code, result.stdout + result.stderr


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """Nine anchors, each a list of nine aliases of the one before: 9^9 leaves from ~500 bytes."""
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


# -- finding 3: inputs that ended in a traceback ------------------------------------------


def test_an_impossible_date_is_refused_at_its_line_and_column(tmp_path: Path) -> None:
    text = ESTONIA.read_text(encoding="utf-8").replace(
        "start_date: 2007-04-27", "start_date: 2020-13-45"
    )
    path = write(tmp_path, "bad-date.yaml", text)
    assert [str(p) for p in refusal(path).problems] == [
        f"{path}:12:13: '2020-13-45' is not a valid date: month must be in 1..12"
    ]
    for command in ("check", "evaluate"):
        code, output = cli(command, str(path))
        assert code == 1
        assert f"{path}:12:13: '2020-13-45' is not a valid date" in output
        assert "Traceback" not in output


@pytest.mark.parametrize(
    ("scalar", "message"),
    [
        ("2021-02-30", "'2021-02-30' is not a valid date: day is out of range for month"),
        ("2020-01-01 25:00:00", "is not a valid date: hour must be in 0..23"),
        ("!!timestamp yesterday", "'yesterday' is not a valid date"),
        ("!!bool maybe", "'maybe' is not a valid boolean"),
        ("!!int twelve", "'twelve' is not a valid integer"),
        ("!!float much", "'much' is not a valid number"),
        ("!!binary a", "failed to decode base64 data"),
        ("1" * 5000, "is not a valid integer: Exceeds the limit (4300 digits)"),
        ("!!python/object/apply:os.system [ls]", "is not allowed here"),
        ("!!python/name:os.system ''", "could not determine a constructor"),
        ("!!seq scalar", "expected a sequence node, but found scalar"),
    ],
)
def test_every_scalar_that_cannot_be_built_is_located(scalar: str, message: str) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_text(f"id: x\nstart_date: {scalar}\n", "doc.yaml")
    (problem,) = caught.value.problems
    assert problem.where == "doc.yaml:2:13"
    assert message in problem.message


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000, ":1:201"),
        ("deep.yaml", "a: " + "[" * 100_000 + "]" * 100_000 + "\n", ":1:204"),
        ("deep-block.yaml", "".join(f"{' ' * i}- \n" for i in range(0, 2 * 300, 2)), ":201:"),
        ("deep-map.json", '{"a":' * 100_000 + "1" + "}" * 100_000, ":1:1001"),
    ],
)
def test_nesting_100000_deep_is_refused_by_the_depth_limit(
    tmp_path: Path, name: str, text: str, where: str
) -> None:
    path = write(tmp_path, name, text)
    error = refusal(path)
    assert isinstance(error, DocumentLimitExceeded) and isinstance(error, LimitExceeded)
    assert (error.limit, error.allowed) == ("document_depth", LIMITS.document_depth)
    assert where in str(error)
    assert "limit document_depth = 200 exceeded" in str(error)


def test_depth_refusal_through_the_cli_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    for command in ("check", "evaluate"):
        code, output = cli(command, str(path))
        assert code == 1
        assert f"{path}:1:201: limit document_depth = 200 exceeded" in output


def test_a_document_at_the_depth_limit_still_loads() -> None:
    depth = LIMITS.document_depth
    doc = parse_text("[" * depth + "]" * depth, "edge.json")
    value = doc.value
    for _ in range(depth - 1):
        (value,) = value
    assert value == []


@pytest.mark.parametrize(
    "text",
    ["a: &a [*a]\n", "a: &a {b: *a}\n", "a: &a [1, [2, *a]]\n", "&a [*a]\n"],
)
def test_an_anchor_used_inside_itself_is_refused(text: str) -> None:
    with pytest.raises(DocumentError, match=r"alias \*a is used inside its own anchor"):
        parse_text(text, "loop.yaml")


def test_self_reference_through_the_cli(tmp_path: Path) -> None:
    path = write(tmp_path, "loop.yaml", "a: &a [*a]\n")
    for command in ("check", "evaluate"):
        code, output = cli(command, str(path))
        assert code == 1
        assert f"{path}:1:8: alias *a is used inside its own anchor" in output


def test_invalid_utf8_is_refused_naming_the_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.yaml", b"id: x\nname: caf\xe9\n")
    assert [str(p) for p in refusal(path).problems] == [
        f"{path}:2:10: not UTF-8 text (invalid continuation byte at byte 15)"
    ]


def test_control_characters_are_refused_at_their_position() -> None:
    with pytest.raises(DocumentError) as caught:
        parse_text("id: x\nname: a\x00b\n", "nul.yaml")
    assert str(caught.value) == "nul.yaml:2:8: character '\\x00' is not allowed in YAML/JSON text"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_a_named_pipe_is_refused_at_once_never_read(tmp_path: Path) -> None:
    pipe = tmp_path / "incidents.yaml"
    os.mkfifo(pipe)
    assert "not a regular file (a named pipe)" in str(refusal(pipe))
    csv_pipe = tmp_path / "eurepoc.csv"
    os.mkfifo(csv_pipe)
    # Through the real command, in a child process: a regression would block, and the timeout
    # turns that into a failure instead of a hung test run.
    for command, target in (("check", pipe), ("evaluate", pipe), ("evaluate", csv_pipe)):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "from cybernorms.cli.app import main; main()",
                command,
                str(target),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        assert f"{target}: not a regular file (a named pipe)" in done.stdout + done.stderr
        assert "Traceback" not in done.stderr


def test_devices_and_directories_are_not_input_files(tmp_path: Path) -> None:
    assert "not a regular file (a character device)" in str(refusal(Path("/dev/zero")))
    directory = tmp_path / "looks-like.yaml"
    directory.mkdir()
    assert "not a regular file (a directory)" in str(refusal(directory))
    assert "cannot read: No such file or directory" in str(refusal(tmp_path / "missing.yaml"))


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "big.yaml", "a: " + "x" * 200 + "\n")
    error = refusal(path, Limits(document_bytes=100))
    assert isinstance(error, LimitExceeded)
    assert (error.limit, error.allowed) == ("document_bytes", 100)
    assert str(error) == f"{path}: limit document_bytes = 100 exceeded (the file has 204 bytes)"
    with pytest.raises(DocumentLimitExceeded, match="document_bytes"):
        parse_text("a: " + "é" * 60, "text", Limits(document_bytes=100))


# -- finding 4: the alias bomb -------------------------------------------------------------


def test_the_alias_bomb_is_refused_before_it_is_expanded(tmp_path: Path) -> None:
    path = write(tmp_path, "bomb.yaml", alias_bomb())
    assert path.stat().st_size < 1024
    tracemalloc.start()
    try:
        error = refusal(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(error, DocumentLimitExceeded)
    assert (error.limit, error.allowed) == ("document_nodes", LIMITS.document_nodes)
    assert str(error) == (
        f"{path}:7:45: limit document_nodes = 5000000 exceeded (alias *a5 stands for "
        "597871 nodes; the document would have more than 5000000 nodes)"
    )
    # Counted, never built: the refusal costs kilobytes (the unbounded parser used 1.6 GB).
    assert peak < 5_000_000


def test_the_alias_bomb_through_the_cli(tmp_path: Path) -> None:
    path = write(tmp_path, "bomb.yaml", alias_bomb())
    for command in ("check", "evaluate"):
        code, output = cli(command, str(path))
        assert code == 1
        assert "limit document_nodes = 5000000 exceeded" in output


def test_an_alias_used_as_a_key_is_counted_and_a_collection_key_refused() -> None:
    with pytest.raises(DocumentError, match="a key must be a string, not a mapping or list"):
        parse_text("big: &big [1, 2]\n*big : x\n", "key.yaml")
    with pytest.raises(DocumentError, match="a key must be a string, not a mapping or list"):
        parse_text("? [a, b]\n: c\n", "key.yaml")
    doc = parse_text("k: &k name\n*k : value\n", "key.yaml")
    assert doc.value == {"k": "name", "name": "value"}


def test_alias_uses_are_limited(tmp_path: Path) -> None:
    text = "x: &x 1\nys: [" + ", ".join(["*x"] * (LIMITS.yaml_aliases + 1)) + "]\n"
    error = refusal(write(tmp_path, "many.yaml", text))
    assert isinstance(error, DocumentLimitExceeded)
    assert error.limit == "yaml_aliases"


def test_aliases_cannot_stack_nesting_past_the_depth_limit() -> None:
    # Each anchor nests the one before 49 levels deeper: the fifth is 247 levels deep.
    lines = ["a0: &a0 " + "[" * 50 + "]" * 50]
    for i in range(1, 6):
        lines.append(f"a{i}: &a{i} " + "[" * 49 + f"*a{i - 1}" + "]" * 49)
    with pytest.raises(DocumentLimitExceeded, match=r"alias \*a3 nests 247 levels deep"):
        parse_text("\n".join(lines) + "\n", "stack.yaml")


def test_anchors_within_the_limits_still_work_and_errors_inside_point_at_the_anchor() -> None:
    text = "base: &base {country: UKR, sector: energy}\ntargets:\n  - *base\n  - *base\n"
    doc = parse_text(text, "a.yaml")
    assert doc.value["targets"] == [{"country": "UKR", "sector": "energy"}] * 2
    assert doc.where(("targets", 1, "sector")) == "a.yaml:1:36"
    assert doc.sub(("targets", 1)).where(("country",)) == "a.yaml:1:23"


def test_anchors_are_not_defined_twice_and_aliases_name_a_prior_anchor() -> None:
    with pytest.raises(DocumentError, match="anchor &a is defined twice"):
        parse_text("x: &a 1\ny: &a 2\n", "d.yaml")
    with pytest.raises(DocumentError, match="alias"):
        parse_text("x: *nowhere\n", "d.yaml")


@pytest.mark.parametrize(
    "text",
    ["!!set {a, b}\n", "!!python/object:os.system {}\n", "x: !custom [1]\n", "--- 1\n--- 2\n"],
)
def test_documents_are_plain_data_only(text: str) -> None:
    with pytest.raises(DocumentError):
        parse_text(text, "tags.yaml")


def test_an_incident_list_sharing_one_anchor_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "shared.yaml",
        "- id: a\n  targets: &t [{country: UKR, sector: energy}]\n- id: b\n  targets: *t\n",
    )
    first, second = load_incidents(path)
    assert first.targets == second.targets
