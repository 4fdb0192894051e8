"""The lean read of a GitHub body gives the same facts as parsing it whole, and refuses what the full parse refuses."""

from __future__ import annotations

import json
from pathlib import Path

import gidgethub.sansio
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import routers
from bot.webhook_facts import GitHubFacts, NotJson, facts_of, github_facts
from tests.helpers import github_payloads


@pytest.mark.parametrize(("event", "path"), github_payloads(), ids=lambda v: str(v).rsplit("fixtures/", 1)[-1])
def test_the_lean_read_matches_the_whole_parse_on_every_fixture(event: str, path: Path) -> None:
    body = path.read_bytes()
    assert github_facts(body) == facts_of(orjson.loads(body))
    whole = routers.github_handlers(gidgethub.sansio.Event(orjson.loads(body), event=event, delivery_id="x"))
    assert routers.github_handlers_for(event, github_facts(body), body) == whole


leaf = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.text(max_size=20),
                 st.floats(allow_nan=False, allow_infinity=False))
value = st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                   st.dictionaries(st.sampled_from(["id", "full_name", "x"]), inner,
                                                                   max_size=3)), max_leaves=8)
body_strategy = st.dictionaries(
    st.sampled_from(["action", "installation", "repository", "workflow_run", "zen", "sender"]),
    st.one_of(value, st.fixed_dictionaries({}, optional={
        "id": value, "full_name": value, "conclusion": value, "head_branch": value, "name": value, "path": value})),
    max_size=5,
)


def _trusted(facts: GitHubFacts) -> tuple[object, ...]:
    """What the answer and the settling use of the facts: the column values, and the run's fields only as strings
    (a settler takes the handler's path for any other type)."""
    def text(value: object) -> object:
        return value if isinstance(value, str) or value is None else "other"

    run = facts.run
    fields = None if run is None else tuple(text(v) for v in (run.conclusion, run.head_branch, run.name, run.path))
    return facts.action_text, facts.installation_id, facts.repository, fields


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(body_strategy)
def test_odd_field_types_give_the_facts_of_the_whole_parse(data: dict[str, object]) -> None:
    body = json.dumps(data).encode()
    try:
        expected = facts_of(orjson.loads(body))
    except orjson.JSONDecodeError:  # pragma: no cover - json.dumps writes only what orjson reads
        return
    assert _trusted(github_facts(body)) == _trusted(expected)


@pytest.mark.parametrize("body", [b"{not json", b"", b"[1, 2]", b'"text"', b'{"a": "\xff"}', b'{"a": "\\ud800"}',
                                  b'{"a": 1} trailing', b"\xff\xfe\x00", b'{"action": NaN}'])
def test_what_is_not_a_json_object_is_refused(body: bytes) -> None:
    with pytest.raises(NotJson):
        github_facts(body)


def test_column_fit_facts() -> None:
    facts = github_facts(json.dumps({"action": "created\u0000x", "installation": {"id": 10**30},
                                     "repository": {"full_name": "r" * 300}}).encode())
    assert (facts.action_text, facts.installation_id, facts.repository) == ("createdx", None, "r" * 255)
    assert facts.run is None
    run = github_facts(b'{"workflow_run": {"name": "", "path": ".github/workflows/ci.yml"}}').run
    assert run is not None and run.workflow_name == ".github/workflows/ci.yml"


def test_every_github_route_is_keyed_on_the_action() -> None:
    # github_handlers_for routes from the facts alone only while this holds (else it parses the body)
    assert routers._ROUTES_BY_ACTION
