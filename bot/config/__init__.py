"""Per-repository configuration: `.github/devflowfix.yml` (GitLab: `.gitlab/devflowfix.yml`) with Probot's
`_extends`, validated, merged over the server's settings without ever raising a server limit, with where each
value came from. `load_github_config` / `load_gitlab_config` (bot/config/loader.py) are the entry points.
"""
