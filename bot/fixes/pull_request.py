"""Writes a checked fix as a branch, a commit (Git Data API: tree with inline blobs, commit, ref) and a PR."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import gidgethub

from bot.forges import github_repos as repos
from bot.forges.github_client import GitHubClient
from bot.forges.github_repos import Tree

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenedFix:
    branch: str
    commit_sha: str
    pr_number: int
    pr_url: str | None


def branch_name(head_sha: str, job: str) -> str:
    """`devflowfix/<short-sha>-<job>`, with the job's name made ref-safe."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", job).strip("-.").lower()[:40] or "job"
    return f"devflowfix/{head_sha[:7]}-{slug}"


async def open_fix_pr(
    gh: GitHubClient, repo: str, *, tree: Tree, head_sha: str, changed: dict[str, str], branch: str, base: str,
    title: str, body: str, message: str, label: str,
) -> OpenedFix:
    files = {path: (tree.entries[path].mode, text) for path, text in changed.items()}
    new_tree = await repos.create_tree(gh, repo, tree.sha, files)
    commit = await repos.create_commit(gh, repo, message, new_tree, head_sha)
    await repos.create_or_move_branch(gh, repo, branch, commit)
    pr = await repos.create_pull(gh, repo, title=title, head=branch, base=base, body=body)
    number = int(pr["number"])
    if label and not any(lb.get("name") == label for lb in pr.get("labels") or []):
        try:
            await repos.add_labels(gh, repo, number, [label])
        except gidgethub.BadRequest as exc:  # no `issues: write`: the PR stands without its label
            log.warning("label not added to %s#%s: HTTP %s", repo, number, exc.status_code)
    return OpenedFix(branch, commit, number, pr.get("html_url"))
