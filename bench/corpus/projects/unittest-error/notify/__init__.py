"""Notification rendering."""
