function slugify(title) {
  return title.toLowerCase().trim().replace(/\s/g, '-');
}

function truncate(slug, max) {
  return slug.length <= max ? slug : slug.slice(0, max);
}

module.exports = { slugify, truncate };
