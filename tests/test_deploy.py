"""The deploy files agree with the code: Heroku's buildpack finds pinned requirements and a Python version,
app.json names every setting, the image is slim, non-root and health-checked, compose has web, worker and
PostgreSQL; and the README's two commands are still the ones that set everything up."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_requirements_pin_every_runtime_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {norm(re.split(r"[\[<>=!; ]", dep, maxsplit=1)[0]) for dep in project["dependencies"]}
    pinned = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.split(";")[0].partition("==")
            assert version.strip(), f"not pinned: {line}"
            pinned[norm(name.strip())] = version.strip()
    assert wanted <= set(pinned), wanted - set(pinned)


def test_python_version_matches_the_project_and_the_image() -> None:
    version = (ROOT / ".python-version").read_text().strip()
    assert re.fullmatch(r"3\.\d+", version)
    minimum = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert tuple(map(int, version.split("."))) >= tuple(map(int, minimum.removeprefix(">=").split(".")))
    assert f"FROM python:{version}-slim" in (ROOT / "Dockerfile").read_text()


def test_app_json_describes_every_setting_and_adds_postgres() -> None:
    app = json.loads((ROOT / "app.json").read_text())
    env = app["env"]
    heroku_sets = {"PORT", "DATABASE_URL"}
    assert {name.upper() for name in Settings.model_fields} - heroku_sets == set(env)
    assert all(entry["description"] for entry in env.values())
    assert env["OAUTH_TOKEN_ENCRYPTION_KEY"]["required"] is True
    assert {"plan": "heroku-postgresql", "as": "DATABASE"} in app["addons"]
    procfile = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert procfile["release"].strip() == "python -m bot migrate"  # the release phase app.json deploys run
    assert procfile["web"].strip() == "python -m bot serve"


def test_the_image_is_slim_non_root_and_health_checked() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER (?!root)\S+", text, re.M)
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert "pip install -r requirements.txt" in text


def test_compose_runs_web_worker_and_postgres() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "web", "worker"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert services["worker"]["command"] == ["worker"]
    assert services["worker"]["environment"]["QUEUE_MODE"] == "external"
    assert services["web"]["environment"]["DATABASE_URL"].startswith("postgresql://")


def test_the_readme_commands_still_set_up_everything() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    assert blocks[0].strip() == "scripts/serve" and blocks[1].strip() == "scripts/test"
    for script in ("serve", "test"):
        text = (ROOT / "scripts" / script).read_text()
        assert "scripts/setup" in text, script
    setup = (ROOT / "scripts" / "setup").read_text()
    assert "pip install" in setup and ".[test]" in setup
