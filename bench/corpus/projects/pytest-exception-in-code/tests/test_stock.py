from inventory.pricing import legacy_average
from inventory.stock import Movement, average_cost, restock_report

MOVES = [
    Movement("A-100", 10, 2.0),
    Movement("A-100", 30, 4.0),
    Movement("B-200", 5, 10.0),
    Movement("B-200", -5, 10.0),
    Movement("C-300", -2, 7.5),
]


def test_average_cost():
    assert average_cost(MOVES, "A-100") == 3.5


def test_legacy_average():
    assert legacy_average([1.0, 3.0]) == 2.0


def test_restock_report_known_skus():
    assert restock_report(MOVES, ["A-100", "B-200"]) == {"A-100": 3.5, "B-200": 10.0}


def test_restock_report_includes_sold_out_items():
    report = restock_report(MOVES, ["A-100", "C-300"])
    assert report["C-300"] == 0.0
