def test_import_package():
    import ledger

    assert ledger is not None
