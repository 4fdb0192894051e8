# ruff: noqa: E501
"""The manifest line that declares the package a resolver complains about, in each manager's words."""

from __future__ import annotations

import pytest

from bot.analysis.manifests import declared_line

PACKAGE_JSON = '{\n  "name": "app",\n  "dependencies": {\n    "express": "^4.19.0",\n    "left-pad": "^9.0.0"\n  }\n}\n'


@pytest.mark.parametrize(
    ("content", "error", "line"),
    [
        ("flask==3.0\nrequests>=2\nattrs==23.2.0\n", "ERROR: No matching distribution found for attrs==23.2.0", 3),
        (PACKAGE_JSON, "npm error notarget No matching version found for left-pad@^9.0.0.", 5),
        (PACKAGE_JSON, 'error Couldn\'t find any versions for "left-pad" that matches "^9.0.0"', 5),
        (PACKAGE_JSON, "npm error Missing: express@4.19.2 from lock file", 4),
        ('[dependencies]\nserde = "^9.0"\n', 'error: failed to select a version for the requirement `serde = "^9.0"`', 2),
        (
            '[project]\ndependencies = [\n  "httpx>=0.27",\n  "attrs==99",\n]\n',
            "Because attrs==99 was not found in the package registry and your project depends on attrs==99, ...",
            4,
        ),
        ("module example.com/app\n\nrequire github.com/pkg/errs v9.0.0\n", "go: github.com/pkg/errs@v9.0.0: reading", 3),
        # a name inside another's is not it; nothing named, no line
        ("attrs-strict==1.0\nattrs==1.0\n", "ERROR: No matching distribution found for attrs==1.0", 2),
        ("attrs==1.0\n", "ERROR: pip's dependency resolver does not currently take into account", None),
    ],
)
def test_declared_line(content: str, error: str, line: int | None) -> None:
    assert declared_line(content, [error]) == line


def test_a_hostile_manifest_is_read_in_bounded_time() -> None:
    # one 200 KB line of the name itself, and 20,000 lines: no declaration is looked for past the bounds
    assert declared_line("a" * 200_000 + "\n", ["No matching distribution found for a==1"]) is None
    assert declared_line("x\n" * 30_000 + "a==1\n", ["No matching distribution found for a==1"]) is None
