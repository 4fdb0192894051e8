#!/usr/bin/env bash
# CI check: every service listens on an unprivileged port and runs at least one replica.
set -euo pipefail
echo "checking config/services.json"
jq -e 'all(.services[]; .port > 1024 and .replicas >= 1)' config/services.json
echo "ports and replicas ok"
