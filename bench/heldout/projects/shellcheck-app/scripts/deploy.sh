#!/bin/bash
set -e

TARGET=$1
files=$(ls build/*.tar.gz)

for f in $files; do
  echo "uploading $f"
  scp $f deploy@$TARGET:/srv/releases/
done

cd /srv/app
if [ $STATUS == "ok" ]; then
  echo done
fi
