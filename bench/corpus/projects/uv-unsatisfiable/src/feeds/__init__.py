"""Fetch and merge RSS feeds."""
