project = "ledger"
extensions = ["sphinx.ext.autodoc"]
exclude_patterns = ["_build"]
