from settings.merge import DEFAULTS, from_env, merge


def test_merge_keeps_defaults():
    assert merge(DEFAULTS, {}) == DEFAULTS


def test_env_overrides_port_and_level():
    env = {"APP_SERVER__PORT": "9090", "APP_LOG__LEVEL": "debug", "HOME": "/root"}
    assert merge(DEFAULTS, from_env(env)) == {
        "server": {"host": "0.0.0.0", "port": 9090, "workers": 2},
        "log": {"level": "debug", "format": "json"},
        "features": ["search"],
    }
