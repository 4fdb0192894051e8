# URL slugs for article titles.
module Slug
  def self.make(title)
    title.downcase.strip.gsub(/[^a-z0-9]+/, "-")
  end

  def self.parse_id(slug)
    Integer(slug.split("-").last)
  end
end
