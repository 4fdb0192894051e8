from geometry.shapes import area


def test_square_area():
    assert area("square", 3) == 9


def test_rectangle_area():
    assert area("rectangle", 2, 5) == 10
