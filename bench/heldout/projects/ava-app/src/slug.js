export function slugify(title) {
  return title.toLowerCase().replace(/\s+/g, "-");
}

export function words(slug) {
  return slug.split("-").map((w) => w[0].toUpperCase() + w.slice(1));
}
