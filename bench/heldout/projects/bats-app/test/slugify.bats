#!/usr/bin/env bats

setup() {
  PATH="$BATS_TEST_DIRNAME/../bin:$PATH"
}

@test "lower-cases and dashes a title" {
  run slugify "Hello World"
  [ "$status" -eq 0 ]
  [ "$output" = "hello-world" ]
}

@test "squeezes repeated spaces" {
  run slugify "Release   notes"
  [ "$status" -eq 0 ]
  [ "$output" = "release-notes" ]
}

@test "prints usage without an argument" {
  run slugify
  [ "$status" -eq 1 ]
}

@test "keeps digits" {
  run slugify "Version 2"
  [ "$output" = "version-2" ]
}
