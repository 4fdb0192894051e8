import json

from weather.forecast import parse_forecast

FEED = json.dumps({"days": [{"day": "mon", "max": 21, "min": 12}]})


def test_parse():
    assert parse_forecast(FEED) == [{"day": "mon", "high": 21, "low": 12}]
