"""GitHub webhook handlers, one gidgethub Router per feature module."""
