import test from "ava";
import { slugify, words } from "../src/slug.js";

test("slugify lowercases and joins words", (t) => {
  t.is(slugify("Hello World"), "hello-world");
});

test("slugify drops punctuation", (t) => {
  t.is(slugify("What's new?"), "whats-new");
});

test("words splits a slug with a double dash", (t) => {
  t.deepEqual(words("release--notes"), ["Release", "Notes"]);
});
