"""Writes a checked fix as a branch, a commit (Git Data API: tree with inline blobs, commit, ref) and a PR.

The commit only ever lands on the bot's own `devflowfix/…` branch: never the default branch, never the branch
under test, never a protected branch (a leftover branch of that name is moved only if it is not protected), and
every file keeps the mode it has (regular files only: no link, no submodule, no new executable bit).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import gidgethub

from bot.fixes.edits import EditRejected, written_modes
from bot.fixes.render import one_line
from bot.forges import github_repos as repos
from bot.forges.github_client import GitHubClient
from bot.forges.github_repos import Tree

log = logging.getLogger(__name__)

BRANCH_PREFIX = "devflowfix/"


@dataclass(frozen=True)
class OpenedFix:
    branch: str
    commit_sha: str
    pr_number: int
    pr_url: str | None


def branch_name(head_sha: str, job: str) -> str:
    """`devflowfix/<short-sha>-<job>`, with the job's name made ref-safe."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", job).strip("-.").lower()[:40] or "job"
    slug = re.sub(r"\.{2,}", ".", slug).removesuffix(".lock").strip("-.") or "job"
    sha = re.sub(r"[^0-9a-fA-F]", "", head_sha)[:7] or "0000000"
    return f"{BRANCH_PREFIX}{sha}-{slug}"


def check_fix_branch(branch: str, *, base: str, default_branch: str | None) -> None:
    """The branch a fix is committed to is the bot's own: EditRejected for anything else."""
    if not branch.startswith(BRANCH_PREFIX) or branch in (base, default_branch):
        raise EditRejected(f"the fix would be committed to `{one_line(branch, 100)}`, which is not a branch of "
                           "DevFlowFix's own")


def fix_title(workflow: str, root_cause: str | None) -> str:
    """The fix PR's (or MR's) title: one line of cleaned text, whatever the workflow's name or the LLM said."""
    return f"Fix {one_line(workflow, 80)}: {one_line(root_cause, 120)}"


def fix_message(workflow: str, job: str, root_cause: str | None) -> str:
    return f"Fix failing {one_line(workflow, 80)} ({one_line(job, 80)})\n\n{one_line(root_cause, 500)}"


async def open_fix_pr(
    gh: GitHubClient, repo: str, *, tree: Tree, head_sha: str, changed: dict[str, str], branch: str, base: str,
    title: str, body: str, message: str, labels: Sequence[str] = (), default_branch: str | None = None,
) -> OpenedFix:
    """Raises EditRejected (nothing written, or a commit no ref points at) when a rule refuses the write."""
    check_fix_branch(branch, base=base, default_branch=default_branch)
    modes = written_modes(changed, tree.entries)
    files = {path: (modes[path], text) for path, text in changed.items()}
    new_tree = await repos.create_tree(gh, repo, tree.sha, files)
    commit = await repos.create_commit(gh, repo, message, new_tree, head_sha)
    if not await repos.create_branch(gh, repo, branch, commit):  # left by an earlier try: moved, unless protected
        if await repos.branch_protected(gh, repo, branch):
            raise EditRejected(f"the branch `{one_line(branch, 100)}` exists and is protected; it is not moved")
        await repos.move_branch(gh, repo, branch, commit)
        # an earlier try may have opened the PR too and died before recording it: adopt that one
        pr = await repos.find_pull(gh, repo, f"{repo.split('/', 1)[0]}:{branch}")
    else:
        pr = None
    if pr is None:
        pr = await repos.create_pull(gh, repo, title=one_line(title, 256), head=branch, base=base, body=body)
    number = int(pr["number"])
    have = {lb.get("name") for lb in pr.get("labels") or []}
    missing = [lb for lb in dict.fromkeys(labels) if lb and lb not in have]
    if missing:
        try:
            await repos.add_labels(gh, repo, number, missing)
        except gidgethub.BadRequest as exc:  # no `issues: write`: the PR stands without its label
            log.warning("label not added to %s#%s: HTTP %s", repo, number, exc.status_code)
    return OpenedFix(branch, commit, number, pr.get("html_url"))
