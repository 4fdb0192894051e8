import { formatMoney } from "./format";
import { debounce } from "lodash-es";
import { renderChart } from "./chart";

const search = document.querySelector("#search");
search.addEventListener("input", debounce(() => renderChart(search.value), 200));
document.querySelector("#total").textContent = formatMoney(1234.5);
