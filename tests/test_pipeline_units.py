"""The pipeline's pieces on their own: edit checks, the LLM answer's validation, the prompt budget, path
resolution, and the capped log download against the fake GitHub (no database needed).
"""

from __future__ import annotations

import aiohttp
import pytest

from bot.auth.app_jwt import AppJWT
from bot.auth.installation_tokens import InstallationTokens
from bot.fixes.edits import EditRejected, Limits, apply_fix, check_paths, safe_path
from bot.fixes.pull_request import branch_name
from bot.fixes.render import clean
from bot.forges import github_actions as actions
from bot.forges.github_client import GitHubClient
from bot.forges.github_repos import Tree, TreeEntry
from bot.incidents.github_context import resolve_paths
from bot.llm.answer import MalformedAnswer, ProposedFix, parse_answer
from bot.llm.prompt import CHARS_PER_TOKEN, PromptInput, build_messages
from tests.fakes.github import APP_ID, FakeGitHub, app_key

LIMITS = Limits(max_files=3, max_bytes=10_000)


@pytest.mark.parametrize("path", ["/etc/passwd", "../x", "a/../../b", "a//b", "./a", "C:/x", "a\\b", ".git/config",
                                  ""])
def test_unsafe_paths_are_refused(path: str) -> None:
    with pytest.raises(EditRejected):
        safe_path(path)


def test_fix_checks() -> None:
    existing = {"src/a.py": None, ".github/workflows/ci.yml": None}
    fix = ProposedFix.model_validate({"edits": [{"path": "src/a.py", "search": "x = 1", "replace": "x = 2"}]})
    assert check_paths(fix, existing, LIMITS) == ["src/a.py"]
    assert apply_fix(fix, {"src/a.py": "x = 1\n"}, LIMITS) == {"src/a.py": "x = 2\n"}
    with pytest.raises(EditRejected, match="found 2 times"):
        apply_fix(fix, {"src/a.py": "x = 1\nx = 1\n"}, LIMITS)
    with pytest.raises(EditRejected, match="leaves every file"):
        apply_fix(ProposedFix.model_validate({"files": [{"path": "src/a.py", "content": "same"}]}),
                  {"src/a.py": "same"}, LIMITS)
    new_file = ProposedFix.model_validate({"files": [{"path": "src/new.py", "content": "x"}]})
    with pytest.raises(EditRejected, match="not a file of the repository"):
        check_paths(new_file, existing, LIMITS)
    workflow = ProposedFix.model_validate({"files": [{"path": ".github/workflows/ci.yml", "content": "x"}]})
    with pytest.raises(EditRejected, match="workflow"):
        check_paths(workflow, existing, LIMITS)
    assert check_paths(workflow, existing, Limits(3, 10_000, allow_workflow_edits=True))
    big = ProposedFix.model_validate({"files": [{"path": "src/a.py", "content": "y" * 20_000}]})
    with pytest.raises(EditRejected, match="limit"):
        apply_fix(big, {"src/a.py": "x"}, LIMITS)
    redacted = ProposedFix.model_validate({"files": [{"path": "src/a.py", "content": "KEY = '[REDACTED]'\n"}]})
    with pytest.raises(EditRejected, match="redacted placeholder"):
        apply_fix(redacted, {"src/a.py": "KEY = 'AKIAIOSFODNN7EXAMPLE'\n"}, LIMITS)
    many = ProposedFix.model_validate({"files": [{"path": f"f{i}", "content": "x"} for i in range(4)]})
    with pytest.raises(EditRejected, match="touches 4 files"):
        check_paths(many, {f"f{i}": None for i in range(4)}, LIMITS)


@pytest.mark.parametrize("text", ["", "nope", "[1, 2]", '{"root_cause": "x"}', '{"root_cause": "x", "confidence": 170}',
                                  '{"root_cause": "x", "confidence": 0.5, "fix": {"edits": [{"path": "a"}]}}'])
def test_malformed_answers(text: str) -> None:
    with pytest.raises(MalformedAnswer):
        parse_answer(text)


def test_answer_in_a_fence_and_percent_confidence() -> None:
    answer = parse_answer('```json\n{"root_cause": "r", "confidence": 85, "fix": {}}\n```')
    assert answer.confidence == 0.85 and answer.fix is None


def test_prompt_stays_within_its_budget_and_quotes_data() -> None:
    inp = PromptInput(repository="o/r", workflow="CI", job="test", failed_step="pytest", category="test",
                      summary="s", excerpt="E" * 200_000, diff="D" * 200_000, workflow_file="W" * 50_000,
                      files={"a.py": "A" * 100_000})
    messages = build_messages(inp, budget_tokens=4_000)
    total = sum(len(m["content"]) for m in messages)
    assert total <= 4_000 * CHARS_PER_TOKEN
    user = messages[1]["content"]
    assert "<data>" in user and "E" * 100 in user and "D" * 100 in user


def test_paths_named_by_the_log_are_mapped_to_the_repository() -> None:
    tree = Tree("t", {p: TreeEntry(p, "100644", "s", 1) for p in
                      ["src/main/java/Foo.java", "a/util.py", "b/util.py", "README.md"]}, False)
    refs = [("/home/runner/work/r/r/src/main/java/Foo.java", 3), ("Foo.java", 4), ("/usr/lib/python3/util.py", 1),
            ("README.md", None), ("/usr/lib/other/README.md", 2)]
    assert resolve_paths(refs, tree) == [("src/main/java/Foo.java", 3), ("src/main/java/Foo.java", 4),
                                         ("README.md", None)]


def test_branch_names_and_clean_text() -> None:
    assert branch_name("0123456789abcdef", "Build & Test (3.12)") == "devflowfix/0123456-build-test-3.12"
    assert "@\u200bteam" in clean("ping @team <script>")
    assert "<script>" not in clean("<script>")


async def test_log_download_is_capped_keeping_the_tail(fake_github: FakeGitHub) -> None:
    repos = fake_github.repos  # type: ignore[attr-defined]
    repo = repos.add("o/r")
    body = b"".join(b"line %d of the build\n" % i for i in range(200_000)) + b"THE ERROR AT THE END\n"
    run = repos.add_run(repo, head_sha=repo.refs["heads/main"], branch="main", conclusion="failure",
                        jobs=[{"name": "j", "conclusion": "failure", "log": body}])
    fake_github.add_installation(1, repos=["o/r"])
    job_id = repo.jobs[run["id"]][0]["id"]
    pem, _ = app_key()
    async with aiohttp.ClientSession() as http:
        client = GitHubClient(http, InstallationTokens(http, AppJWT(APP_ID, pem), fake_github.url).provider(1),
                              fake_github.url)
        got = await actions.download_job_log(client, "o/r", job_id, max_bytes=2 * 1024 * 1024)
        assert got is not None and got.truncated
        text = got.file.read()
        got.close()
        assert text.startswith(b"line 0 of the build\n") and text.endswith(b"THE ERROR AT THE END\n")
        assert b"bytes of the log skipped" in text and len(text) <= 2 * 1024 * 1024 + 100
        assert await actions.download_job_log(client, "o/r", 999, max_bytes=1024) is None  # gone: 404
        repos.expire_next_log_urls = 2  # expired twice: the second refusal is a retry-later, not a loss
        from bot.forges.errors import RetryLater

        with pytest.raises(RetryLater):
            await actions.download_job_log(client, "o/r", job_id, max_bytes=1024 * 1024)


def test_where_the_error_is_links_each_line_at_the_failing_commit() -> None:
    from bot.fixes.render import where_line
    from storage.models import Incident

    sha = "0123456789abcdef0123456789abcdef01234567"
    refs = [["src/app.py", 12], ["requirements.txt", None], ["x) [evil](https://e.example", 1]]
    github = Incident(provider="github", head_sha=sha, analysis={"refs": refs},
                      links={"run": "https://github.com/o/r/actions/runs/5"})
    assert where_line(github) == (
        f"**Where:** [`src/app.py:12`](https://github.com/o/r/blob/{sha}/src/app.py#L12), "
        f"[`requirements.txt`](https://github.com/o/r/blob/{sha}/requirements.txt)"
    )  # a path that could break out of the link is not shown
    gitlab = Incident(provider="gitlab", head_sha=sha, analysis={"refs": refs[:1]},
                      links={"run": "https://gitlab.example/g/p/-/pipelines/9"})
    assert where_line(gitlab) == f"**Where:** [`src/app.py:12`](https://gitlab.example/g/p/-/blob/{sha}/src/app.py#L12)"
    assert where_line(Incident(provider="github", head_sha=None, analysis={"refs": refs[:1]})) == (
        "**Where:** `src/app.py:12`"
    )
    assert where_line(Incident(provider="github", analysis={})) == ""
    odd = Incident(provider="github", head_sha=sha, analysis={"refs": refs[:1]},
                   links={"run": "https://e.example/o/r)(javascript:x/actions/runs/5"})
    assert where_line(odd) == "**Where:** `src/app.py:12`"  # a run link that could break the Markdown: no link
