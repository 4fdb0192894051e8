#!/usr/bin/env bash
# CI check: print each service's port, sorted.
set -euo pipefail
jq -r '.services | map(select(type == "object") | .port | sort | .[]' config/services.json
