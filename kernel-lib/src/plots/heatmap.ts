/** Heatmaps of a matrix: weights, a confusion matrix, a correlation matrix. */
import type { TopLevelSpec } from "vega-lite";
import { invalidArgument } from "../errors";

export interface HeatmapOptions {
  /** The matrix, row by row. */
  values: ArrayLike<number>[];
  rowLabels?: string[];
  columnLabels?: string[];
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** A Vega colour scheme. Default "viridis"; use a diverging one ("redblue") for signed values. */
  scheme?: string;
  /** Centre a diverging scale at zero. Default false. */
  symmetric?: boolean;
  /** Write each value in its cell (small matrices). Default: when there are at most 144 cells. */
  showValues?: boolean;
  cellSize?: number;
}

/** A Vega-Lite heatmap of a matrix, first row at the top. */
export function heatmap(options: HeatmapOptions): TopLevelSpec {
  const { values } = options;
  if (!Array.isArray(values) || values.length === 0) invalidArgument("heatmap", "options.values", values, "a non-empty array of rows");
  const columns = values[0]!.length;
  values.forEach((row, r) => {
    if (row.length !== columns) invalidArgument("heatmap", `options.values[${r}].length`, row.length, `${columns} (every row the same length)`);
  });
  const rowLabels = options.rowLabels ?? values.map((_, r) => String(r));
  const columnLabels = options.columnLabels ?? Array.from({ length: columns }, (_, c) => String(c));
  if (rowLabels.length !== values.length) invalidArgument("heatmap", "options.rowLabels.length", rowLabels.length, `${values.length} (one per row)`);
  if (columnLabels.length !== columns) invalidArgument("heatmap", "options.columnLabels.length", columnLabels.length, `${columns} (one per column)`);
  const rows: { row: string; column: string; value: number }[] = [];
  let maxAbs = 0;
  values.forEach((row, r) => {
    for (let c = 0; c < columns; c++) {
      rows.push({ row: rowLabels[r]!, column: columnLabels[c]!, value: row[c]! });
      maxAbs = Math.max(maxAbs, Math.abs(row[c]!));
    }
  });
  const cell = options.cellSize ?? Math.max(6, Math.min(36, Math.floor(420 / Math.max(columns, values.length))));
  const showValues = options.showValues ?? rows.length <= 144;
  const color: Record<string, unknown> = {
    field: "value",
    type: "quantitative",
    scale: { scheme: options.scheme ?? "viridis", ...(options.symmetric ? { domainMid: 0, domain: [-maxAbs, maxAbs] } : {}) },
  };
  const x = { field: "column", type: "ordinal", sort: columnLabels, title: options.xTitle ?? null };
  const y = { field: "row", type: "ordinal", sort: rowLabels, title: options.yTitle ?? null };
  const layers: unknown[] = [{ mark: { type: "rect", tooltip: true }, encoding: { x, y, color } }];
  if (showValues) layers.push({ mark: { type: "text", fontSize: 10 }, encoding: { x, y, text: { field: "value", type: "quantitative", format: ".2~f" } } });
  return {
    ...(options.title !== undefined ? { title: options.title } : {}),
    width: cell * columns,
    height: cell * values.length,
    data: { values: rows },
    layer: layers,
  } as TopLevelSpec;
}
