export function mountSlider(el, onChange) {
  el.addEventListener("input", () => onChange(Number(el.value)));
}
