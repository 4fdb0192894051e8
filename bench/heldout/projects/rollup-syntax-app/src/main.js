import { showToast } from "./toast.js";

showToast("Saved", { timeout: 3000 });
