#!/usr/bin/env bash
# Publish the docs site; needs the deploy key from the CI secrets.
set -euo pipefail
: "${DOCS_DEPLOY_KEY:?DOCS_DEPLOY_KEY is not set - add it to the repository secrets}"
echo "publishing site/ to gh-pages"
