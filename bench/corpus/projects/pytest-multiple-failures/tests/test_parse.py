from geometry.parse import parse
from geometry.shapes import Circle, Rect


def test_parse_rect():
    assert parse("rect 2x3") == Rect(2, 3)


def test_parse_circle():
    assert parse("circle r=1.5") == Circle(1.5)


def test_parse_rect_with_spaces():
    assert parse("rect 2 x 3") == Rect(2, 3)


def test_parse_square():
    assert parse("square 2") == Rect(2, 2)
