"""GitLab webhook handlers, one gidgetlab Router per feature module."""
