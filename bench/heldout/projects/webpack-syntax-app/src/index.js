import { total } from "./cart";

document.querySelector("#total").textContent = total([{ price: 3 }, { price: 4 }]);
