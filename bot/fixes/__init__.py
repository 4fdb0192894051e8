"""From an analysis to what people see and what the bot changes: comments, check runs, fix PRs, limits."""
