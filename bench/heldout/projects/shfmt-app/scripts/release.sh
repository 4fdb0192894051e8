#!/bin/bash
set -euo pipefail

version=$1
notes=$(git log --oneline "v${version}.." | head -n 20

if [[ -z "$notes" ]]; then
  echo "nothing to release"
  exit 1
fi
echo "$notes" > RELEASE_NOTES.txt
