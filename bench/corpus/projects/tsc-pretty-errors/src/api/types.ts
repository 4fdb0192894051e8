export interface Forecast {
  city: string;
  temperatureC: number;
  conditions: string[];
}

export interface ApiError {
  status: number;
  message: string;
}
