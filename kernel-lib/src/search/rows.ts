/**
 * Trials as flat rows: one object per trial, ready for `console.table`, a CSV, or a Vega-Lite `data.values`
 * (kernel-lib's `lineChart`, `heatmap` via `searchHeatmap`, or a hand-written spec).
 */
import { checkOneOf } from "../errors";
import type { ChoiceValue } from "./space";
import { DIRECTIONS, type Direction, type Trial } from "./trial";

/** A flat table row. */
export type TrialRow = Record<string, ChoiceValue>;

/** A score as a table cell: NaN and ±Infinity become null (what JSON and Vega-Lite make of them anyway). */
function cell(score: number): number | null {
  return Number.isFinite(score) ? score : null;
}

/**
 * One row per trial: `{ trial, stage, seed, score, ...params, ...metrics }` (parameter and metric names never clash
 * with these or with each other: the space and the objective's return value are checked for that).
 */
export function trialRows<P>(trials: readonly Trial<P>[]): TrialRow[] {
  return trials.map((t) => ({ trial: t.index, stage: t.stage, seed: t.seed, score: cell(t.score), ...(t.params as TrialRow), ...t.metrics }));
}

export interface BestSoFarOptions {
  /** A `series` field on every row (e.g. "random" / "grid") so several searches can share one line chart. */
  series?: string;
}

/**
 * The best score after each trial, in trial order: `{ trials: n, score, best }` for n = 1, 2, ... How fast a search
 * finds good points (random vs grid at the same budget). `best` ignores NaN scores (null until a trial scores).
 */
export function bestSoFarRows<P>(trials: readonly Trial<P>[], direction: Direction, options: BestSoFarOptions = {}): TrialRow[] {
  checkOneOf("bestSoFarRows", "direction", direction, DIRECTIONS);
  let best = NaN;
  return trials.map((trial, i) => {
    if (!Number.isNaN(trial.score) && (Number.isNaN(best) || (direction === "maximize" ? trial.score > best : trial.score < best))) best = trial.score;
    return { trials: i + 1, score: cell(trial.score), best: cell(best), ...(options.series !== undefined ? { series: options.series } : {}) };
  });
}
