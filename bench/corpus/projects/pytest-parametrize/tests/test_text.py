import pytest

from slugs import slugify


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Hello World", "hello-world"),
        ("  spaced   out  ", "spaced-out"),
        ("snake_case_title", "snake-case-title"),
        ("Crème Brûlée", "creme-brulee"),
        ("C++ & Rust: a comparison", "c-rust-a-comparison"),
        ("already-a-slug", "already-a-slug"),
    ],
)
def test_slugify(title, expected):
    assert slugify(title) == expected


@pytest.mark.parametrize("length", [5, 10, 20])
def test_slugify_max_length(length):
    assert len(slugify("a very long title that keeps going on and on", max_length=length)) <= length
