/**
 * Thin chart builders for search results: a heatmap of the score over two hyperparameters (lecture 003's learning
 * rate × weight decay sweep) through kernel-lib's `heatmap`, and a scatter of the score against one hyperparameter.
 */
import type { TopLevelSpec } from "vega-lite";
import { invalidArgument } from "../errors";
import { heatmap } from "../plots/heatmap";
import { trialRows } from "./rows";
import type { ChoiceValue } from "./space";
import type { Trial } from "./trial";

export interface SearchHeatmapOptions {
  /** The hyperparameter along the columns. */
  x: string;
  /** The hyperparameter along the rows (largest value at the top). */
  y: string;
  /** How trials at the same cell (repeats over seeds) combine. Default "mean". */
  aggregate?: "mean" | "max" | "min";
  title?: string;
  /** How a hyperparameter value is written on an axis. Default: 3 significant digits. */
  format?: (value: ChoiceValue) => string;
  /** Vega colour scheme. Default "viridis". */
  scheme?: string;
}

function defaultFormat(value: ChoiceValue): string {
  return typeof value === "number" ? String(Number(value.toPrecision(3))) : String(value);
}

/** The distinct values of a field, numbers ascending, anything else in first-seen order. */
function distinct(values: ChoiceValue[]): ChoiceValue[] {
  const unique = [...new Set(values)];
  return unique.every((v) => typeof v === "number") ? (unique as number[]).sort((a, b) => a - b) : unique;
}

/**
 * A heatmap of the trials' scores over two hyperparameters (a grid search's two axes): one cell per pair of values,
 * the aggregate of the finite scores there (null, an empty cell, where there are none).
 */
export function searchHeatmap<P>(trials: readonly Trial<P>[], options: SearchHeatmapOptions): TopLevelSpec {
  const fn = "searchHeatmap";
  if (!Array.isArray(trials as unknown) || trials.length === 0) invalidArgument(fn, "trials", trials, "a non-empty array of trials");
  for (const axis of ["x", "y"] as const) {
    const field = options?.[axis];
    if (typeof field !== "string" || !(field in (trials[0]!.params as object))) {
      invalidArgument(fn, `options.${axis}`, field, `a hyperparameter name (${Object.keys(trials[0]!.params as object).join(", ")})`);
    }
  }
  const aggregate = options.aggregate ?? "mean";
  if (!["mean", "max", "min"].includes(aggregate)) invalidArgument(fn, "options.aggregate", aggregate, '"mean", "max" or "min"');
  const format = options.format ?? defaultFormat;
  const params = trials.map((t) => t.params as Record<string, ChoiceValue>);
  const columns = distinct(params.map((p) => p[options.x]!));
  const rows = distinct(params.map((p) => p[options.y]!)).reverse();
  const cells = rows.map(() => columns.map((): number[] => []));
  trials.forEach((trial, i) => {
    if (Number.isFinite(trial.score)) cells[rows.indexOf(params[i]![options.y]!)]![columns.indexOf(params[i]![options.x]!)]!.push(trial.score);
  });
  const combine = (scores: number[]): number => {
    if (scores.length === 0) return NaN;
    if (aggregate === "max") return Math.max(...scores);
    if (aggregate === "min") return Math.min(...scores);
    return scores.reduce((a, b) => a + b, 0) / scores.length;
  };
  const spec = heatmap({
    values: cells.map((row) => row.map(combine)),
    rowLabels: rows.map(format),
    columnLabels: columns.map(format),
    xTitle: options.x,
    yTitle: options.y,
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(options.scheme !== undefined ? { scheme: options.scheme } : {}),
  });
  // An empty cell is null (no colour, no text) rather than NaN, which Vega would print as "NaN".
  for (const row of (spec as { data: { values: { value: number | null }[] } }).data.values) if (Number.isNaN(row.value)) row.value = null;
  return spec;
}

export interface TrialScatterOptions {
  /** The hyperparameter on the x axis. */
  x: string;
  /** Log scale on x (for a logUniform dimension). */
  logX?: boolean;
  /** The field on y: "score" (default) or a metric. */
  y?: string;
  /** The field that colours the points. Default "stage" (coarse-to-fine stages). */
  color?: string;
  title?: string;
  width?: number;
  height?: number;
}

/** A scatter of every trial: score (or a metric) against one hyperparameter, coloured by stage. */
export function trialScatter<P>(trials: readonly Trial<P>[], options: TrialScatterOptions): TopLevelSpec {
  const fn = "trialScatter";
  const rows = trialRows(trials);
  if (rows.length === 0) invalidArgument(fn, "trials", trials, "a non-empty array of trials");
  const y = options?.y ?? "score";
  const color = options.color ?? "stage";
  for (const [name, field] of [
    ["x", options.x],
    ["y", y],
    ["color", color],
  ] as const) {
    if (typeof field !== "string" || !(field in rows[0]!))
      invalidArgument(fn, `options.${name}`, field, `a column of the trial table (${Object.keys(rows[0]!).join(", ")})`);
  }
  return {
    ...(options.title !== undefined ? { title: options.title } : {}),
    width: options.width ?? 420,
    height: options.height ?? 240,
    data: { values: rows },
    mark: { type: "point", filled: true, tooltip: true },
    encoding: {
      x: { field: options.x, type: "quantitative", scale: options.logX ? { type: "log" } : { zero: false } },
      y: { field: y, type: "quantitative", scale: { zero: false } },
      color: { field: color, type: "nominal" },
    },
  } as TopLevelSpec;
}
