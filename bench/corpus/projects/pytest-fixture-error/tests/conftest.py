import pytest

from accounts.settings import load_settings
from accounts.store import AccountStore


@pytest.fixture
def settings():
    return load_settings()


@pytest.fixture
def store(settings):
    return AccountStore(settings)
