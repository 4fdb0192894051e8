#!/bin/sh

. "$(dirname "$0")/../lib/semver.sh"

test_bump_major() {
  assertEquals "2.0.0" "$(semver_bump major 1.4.2)"
}

test_bump_minor_resets_patch() {
  assertEquals "minor bump resets the patch" "1.5.0" "$(semver_bump minor 1.4.2)"
}

test_bump_patch() {
  assertEquals "1.4.3" "$(semver_bump patch 1.4.2)"
}

test_unknown_level_fails() {
  semver_bump huge 1.4.2 >/dev/null
  assertEquals "an unknown level exits 1" 1 $?
}

. shunit2
