import type { Forecast } from './api/types.js';
import { toFahrenheit } from './units.js';

export function describe(forecast: Forecast): string {
  const f = toFahrenheit(forecast.temperatureC);
  return `${forecast.city}: ${f}°F, ${forecast.conditions.join(', ')}`;
}

export function warmest(forecasts: Forecast[]): Forecast {
  return forecasts.sort((a, b) => b.temperatureC - a.temperatureC)[0].city;
}
