"""Links a person follows from the console and the API to the provider's own web pages: a repository (a GitLab
project), a pull request (a GitLab merge request) and a run (a GitLab pipeline), on the GitHub or GitLab instance
this server is configured for (GITHUB_URL / GHE_HOST, GITLAB_URL)."""

from __future__ import annotations

from bot.settings import Settings


def repository_url(settings: Settings, provider: str, full_name: str) -> str:
    base = settings.gitlab_base if provider == "gitlab" else settings.github_web_base.rstrip("/")
    return f"{base}/{full_name}"


def change_url(settings: Settings, provider: str, full_name: str, number: int | None) -> str | None:
    """A pull request on GitHub, a merge request (by its iid) on GitLab."""
    if not number:
        return None
    kind = "-/merge_requests" if provider == "gitlab" else "pull"
    return f"{repository_url(settings, provider, full_name)}/{kind}/{int(number)}"


def run_url(settings: Settings, provider: str, full_name: str, run_id: int | None) -> str | None:
    """A workflow run on GitHub, a pipeline on GitLab."""
    if not run_id:
        return None
    kind = "-/pipelines" if provider == "gitlab" else "actions/runs"
    return f"{repository_url(settings, provider, full_name)}/{kind}/{int(run_id)}"
