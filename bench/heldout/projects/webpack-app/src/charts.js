export function renderChart(query) {
  console.log("chart", query);
}
