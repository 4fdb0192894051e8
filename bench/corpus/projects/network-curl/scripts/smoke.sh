#!/usr/bin/env bash
# Smoke test of the staging deployment: the health endpoint must answer 200.
set -euo pipefail
BASE_URL="${BASE_URL:-http://127.0.0.1:9}"
echo "Checking ${BASE_URL}/api/health"
curl -fsS --retry 2 --retry-delay 1 --retry-connrefused "${BASE_URL}/api/health"
echo "staging is healthy"
