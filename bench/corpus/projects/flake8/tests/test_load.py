from etl.load import batches


def test_batches():
    assert [len(b) for b in batches(list(range(1200)))] == [500, 500, 200]
