/**
 * Seattle daily weather 2012–2015 from the `vega-datasets` package (NOAA data): precipitation in mm,
 * temperatures in °C, wind in m/s. Features on very different scales, for the input-normalization lessons.
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { read } from "vega";
import { invalidArgument } from "../errors";
import { packageDir } from "../packages";

export interface SeattleWeatherRow {
  date: Date;
  precipitation: number;
  temp_max: number;
  temp_min: number;
  wind: number;
  weather: string;
}

export const SEATTLE_NUMERIC_FIELDS = ["precipitation", "temp_max", "temp_min", "wind"] as const;
export type SeattleNumericField = (typeof SEATTLE_NUMERIC_FIELDS)[number];

/** All 1,461 days, parsed (dates as Date, measurements as numbers). */
export function loadSeattleWeather(): SeattleWeatherRow[] {
  const file = path.join(packageDir("vega-datasets"), "data", "seattle-weather.csv");
  const text = fs.readFileSync(file, "utf8");
  const rows = read(text, {
    type: "csv",
    parse: { precipitation: "number", temp_max: "number", temp_min: "number", wind: "number", weather: "string" },
  }) as unknown as (Omit<SeattleWeatherRow, "date"> & { date: string })[];
  return rows.map((row) => ({ ...row, date: new Date(`${row.date}T00:00:00Z`) }));
}

/** The chosen numeric columns as a `[rows, fields]` float32 matrix. */
export function seattleFeatureMatrix(rows: SeattleWeatherRow[], fields: readonly SeattleNumericField[] = SEATTLE_NUMERIC_FIELDS): tf.Tensor2D {
  for (const field of fields) {
    if (!(SEATTLE_NUMERIC_FIELDS as readonly string[]).includes(field))
      invalidArgument("seattleFeatureMatrix", "fields", field, `one of ${SEATTLE_NUMERIC_FIELDS.join(", ")}`);
  }
  const values = new Float32Array(rows.length * fields.length);
  rows.forEach((row, r) => fields.forEach((field, c) => (values[r * fields.length + c] = row[field])));
  return tf.tensor2d(values, [rows.length, fields.length]);
}
