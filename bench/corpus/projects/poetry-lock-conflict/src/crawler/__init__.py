"""A polite web crawler."""
