const { toFahrenheit, parseReading } = require("../src/temperature");

describe("temperature", () => {
  it("converts freezing to 32 F", () => {
    expect(toFahrenheit(0)).toBe(32);
  });

  it("parses a reading with a unit", () => {
    expect(parseReading("21.5 C")).toEqual({ value: 21.5, unit: "C" });
  });

  it("parses a reading in Fahrenheit", () => {
    expect(parseReading("70 F")).toEqual({ value: 70, unit: "F" });
  });
});
