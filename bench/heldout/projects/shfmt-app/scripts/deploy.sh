#!/bin/sh
set -eu

target=${1:-staging}
if [ "$target" = "production" ]
then
    echo "deploying to production"
      ./scripts/check.sh   &&  ./scripts/push.sh "$target"
else
  echo "deploying to $target"
fi

for host in web1 web2 ; do
ssh "$host" "systemctl restart app"
done
