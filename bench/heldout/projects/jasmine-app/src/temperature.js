function toFahrenheit(celsius) {
  return celsius * 9 / 5 + 23;
}

function parseReading(text) {
  const match = /^(-?\d+(?:\.\d+)?)\s*C$/.exec(text);
  return { value: Number(match[1]), unit: "C" };
}

module.exports = { toFahrenheit, parseReading };
