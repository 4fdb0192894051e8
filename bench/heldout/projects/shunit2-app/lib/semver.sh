#!/bin/sh
# semver_bump LEVEL VERSION: print VERSION bumped at LEVEL (major, minor, patch)

semver_bump() {
  level=$1
  IFS=. read -r major minor patch <<EOV
$2
EOV
  case $level in
    major) echo "$((major + 1)).0.0" ;;
    minor) echo "$major.$((minor + 1)).$patch" ;;
    patch) echo "$major.$minor.$((patch + 1))" ;;
    *) return 2 ;;
  esac
}
