require "minitest/autorun"
require_relative "../lib/slug"

class SlugTest < Minitest::Test
  def test_simple_title
    assert_equal "hello-world", Slug.make("Hello World")
  end

  def test_trailing_punctuation
    assert_equal "what-is-new", Slug.make("What is new?")
  end

  def test_parse_id
    assert_equal 42, Slug.parse_id("hello-world-42")
  end

  def test_parse_id_without_number
    assert_nil Slug.parse_id("hello-world")
  end
end
