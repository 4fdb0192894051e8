import { clamp } from "./math/clamp.js";
import { mountSlider } from "./slider.js";

mountSlider(document.querySelector("#volume"), (v) => clamp(v, 0, 100));
