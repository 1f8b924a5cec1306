/** Line charts of curves: loss or accuracy per epoch, one line per series (train / validation, per model...). */
import type { TopLevelSpec } from "vega-lite";
import { invalidArgument } from "../errors";

export type Row = Record<string, number | string | boolean | null>;

export interface LineChartOptions {
  /** Long-format rows: one row per point, e.g. `{ epoch: 3, value: 0.41, series: "train loss" }`. */
  data: Row[];
  /** Field on the x axis. */
  x: string;
  /** Field on the y axis. */
  y: string;
  /** Field whose values name the lines (colour). Leave out for one line. */
  series?: string;
  /** Field that splits the chart into side-by-side panels (e.g. "metric"), each with its own y scale. */
  column?: string;
  title?: string;
  /** Axis titles; default the field names, null for none. */
  xTitle?: string | null;
  yTitle?: string | null;
  /** Log scale on y (losses spanning decades). */
  logY?: boolean;
  /** Draw points on the line too. Default true when there are at most 60 points per line. */
  points?: boolean;
  width?: number;
  height?: number;
}

/** A Vega-Lite line chart of curves. */
export function lineChart(options: LineChartOptions): TopLevelSpec {
  const { data, x, y, series, column } = options;
  if (!Array.isArray(data)) invalidArgument("lineChart", "options.data", data, "an array of row objects");
  for (const [name, field] of Object.entries({ x, y, series, column })) {
    if (field !== undefined && typeof field !== "string") invalidArgument("lineChart", `options.${name}`, field, "a field name");
    if (field !== undefined && data.length > 0 && !(field in data[0]!)) {
      invalidArgument("lineChart", `options.${name}`, field, `a field of the rows (${Object.keys(data[0]!).join(", ")})`);
    }
  }
  const lines = series ? new Set(data.map((row) => String(row[series]))).size : 1;
  const points = options.points ?? data.length / Math.max(1, lines) <= 60;
  const encoding: Record<string, unknown> = {
    x: { field: x, type: "quantitative", title: options.xTitle === undefined ? x : options.xTitle },
    y: { field: y, type: "quantitative", title: options.yTitle === undefined ? y : options.yTitle, scale: options.logY ? { type: "log" } : { zero: false } },
    tooltip: [{ field: x }, { field: y, format: ".4~g" }, ...(series ? [{ field: series }] : [])],
  };
  if (series) encoding.color = { field: series, type: "nominal", title: null };
  const layer = { mark: { type: "line", point: points, tooltip: true }, encoding };
  const size = { width: options.width ?? (column ? 260 : 420), height: options.height ?? 240 };
  const title = options.title !== undefined ? { title: options.title } : {};
  if (column) {
    return {
      ...title,
      data: { values: data },
      facet: { column: { field: column, type: "nominal", title: null } },
      spec: { ...size, ...layer },
      resolve: { scale: { y: "independent" } },
    } as TopLevelSpec;
  }
  return { ...title, ...size, data: { values: data }, ...layer } as TopLevelSpec;
}
