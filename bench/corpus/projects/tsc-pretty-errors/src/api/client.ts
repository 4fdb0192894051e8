import type { Forecast } from './types.js';

export async function fetchForecast(city: string): Promise<Forecast> {
  const response = await fetch(`/forecast?city=${encodeURIComponent(city)}`);
  const body = await response.json();
  return {
    city: body.city,
    temperatureC: body.temp,
    condition: body.conditions,
  };
}
