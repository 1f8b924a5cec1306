/**
 * What a search is made of: the objective it calls, what one call is told, and the record of one trial (the row of
 * the results table).
 */
import { describeValue } from "../errors";
import { type ChoiceValue, RESERVED_NAMES } from "./space";

/** Whether a larger score is better (accuracy) or a smaller one (loss). */
export type Direction = "maximize" | "minimize";

export const DIRECTIONS: readonly Direction[] = ["maximize", "minimize"];

/** Extra measurements a trial reports besides its score (final training loss, epochs run, ...): table cells. */
export type Metrics = Record<string, ChoiceValue>;

/** What an objective returns: the score alone, or the score with extra metrics. */
export type ObjectiveValue = number | ({ score: number } & Metrics);

/** What the objective is told about the trial it runs. */
export interface TrialInfo {
  /** The trial's position in the whole search (0, 1, ...; stages continue the count). */
  index: number;
  /** The coarse-to-fine stage (0 for grid and random search). */
  stage: number;
  /**
   * A seed for everything random inside the trial (initial weights, shuffling): drawn from the search's seed in trial
   * order, independently of the sampled parameters: trial i of a grid and of a random search with the same seed get
   * the same trial seed (so, when the objective seeds its model with it, the same initial weights).
   */
  seed: number;
}

/** The user's objective: trains and evaluates one point of the space. May be async. */
export type Objective<P> = (params: P, trial: TrialInfo) => ObjectiveValue | Promise<ObjectiveValue>;

/** One finished trial. */
export interface Trial<P> extends TrialInfo {
  params: P;
  /** The objective's score; NaN (a diverged training) is allowed and ranks last in either direction. */
  score: number;
  metrics: Metrics;
}

/**
 * Splits an objective's return value into score and metrics; throws (a TypeError saying what came back) when it is
 * neither a number nor `{ score: number, ...metrics }` with plain metric values whose names clash with nothing.
 */
export function parseObjectiveValue(value: unknown, paramNames: readonly string[]): { score: number; metrics: Metrics } {
  if (typeof value === "number") return { score: value, metrics: {} };
  const expected = "expected a number or { score: number, ...metrics }";
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new TypeError(`the objective returned ${describeValue(value)}, ${expected}`);
  const { score, ...metrics } = value as Record<string, unknown>;
  if (typeof score !== "number") throw new TypeError(`the objective returned score = ${describeValue(score)}, ${expected}`);
  for (const [name, metric] of Object.entries(metrics)) {
    if ((RESERVED_NAMES as readonly string[]).includes(name) || paramNames.includes(name)) {
      throw new TypeError(
        `the objective returned a metric called "${name}", which is taken by ${paramNames.includes(name) ? "a hyperparameter" : "the trial table"}`,
      );
    }
    const plain = metric === null || typeof metric === "string" || typeof metric === "number" || typeof metric === "boolean";
    if (!plain) throw new TypeError(`the objective returned metric ${name} = ${describeValue(metric)}, expected a number, string, boolean or null`);
  }
  return { score, metrics: metrics as Metrics };
}
