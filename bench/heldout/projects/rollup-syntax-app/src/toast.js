export function showToast(text, { timeout = 2000 } = {}) {
  const el = document.createElement("div");
  el.className = "toast";
  el.textContent = text;
  document.body.append(el);
  setTimeout(() => el.remove(), timeout;
}
