"""Typed clients for the GitHub and GitLab API calls the bot makes, over gidgethub and gidgetlab."""
