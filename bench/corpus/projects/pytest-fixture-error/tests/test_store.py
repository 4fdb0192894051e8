from accounts.settings import load_settings


def test_load_settings_defaults():
    settings = load_settings({"ACCOUNTS_DATABASE_URL": "sqlite://"})
    assert settings.pool_size == 5


def test_create(store):
    assert store.create("a@example.com")["id"] == 1


def test_get_missing(store):
    assert store.get("nobody@example.com") is None
