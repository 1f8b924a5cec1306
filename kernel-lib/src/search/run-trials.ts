/**
 * Running planned trials through an objective, the part every search shares: each trial gets its index, stage and
 * seed; its return value is checked; a failure stops the search with a `TrialError` naming the trial's parameters.
 *
 * Seeds: a search's seed starts one stream, from which two streams are drawn, one for sampling points and one for
 * the trials' own seeds. The trial seeds therefore depend only on the search's seed and the trial's index, not on
 * which points were sampled: the same seed gives a grid search and a random search the same initial weights per trial.
 */
import { invalidArgument } from "../errors";
import { Rng } from "../random";
import { type PlannedTrial, TrainingObjective } from "./training-objective";
import { type Objective, type Trial, parseObjectiveValue } from "./trial";
import { TrialError } from "./trial-error";

/** What a search accepts as its objective: a function of the parameters, or a `trainingObjective(...)`. */
export type SearchObjective<P> = Objective<P> | TrainingObjective<P>;

/** The two streams of a search: points, and trial seeds. */
export interface SearchStreams {
  sampling: Rng;
  trialSeeds: Rng;
}

/** The streams of a search started from `seed`. */
export function searchStreams(seed: number): SearchStreams {
  const root = new Rng(seed);
  return { sampling: new Rng(root.nextSeed()), trialSeeds: new Rng(root.nextSeed()) };
}

/** Checks that `objective` is a function or a `TrainingObjective`. */
export function checkObjective<P>(fn: string, objective: unknown): SearchObjective<P> {
  if (typeof objective === "function" || objective instanceof TrainingObjective) return objective as SearchObjective<P>;
  return invalidArgument(fn, "objective", objective, "a function (params, trial) => score, or trainingObjective({ task, score, pool })");
}

/** The trials of `points` in stage `stage`, numbered from `firstIndex`, each with the next seed of `trialSeeds`. */
export function planTrials<P>(points: readonly P[], stage: number, firstIndex: number, trialSeeds: Rng): PlannedTrial<P>[] {
  return points.map((params, i) => ({ params, info: { index: firstIndex + i, stage, seed: trialSeeds.nextSeed() } }));
}

/** Runs the planned trials in order (a `TrainingObjective` gets them all at once) and returns them scored. */
export async function runTrials<P>(
  fn: string,
  objective: SearchObjective<P>,
  planned: readonly PlannedTrial<P>[],
  onTrialEnd?: (trial: Trial<P>) => void,
): Promise<Trial<P>[]> {
  const finish = (value: unknown, { params, info }: PlannedTrial<P>): Trial<P> => {
    let parsed;
    try {
      parsed = parseObjectiveValue(value, Object.keys(params as object));
    } catch (error) {
      throw new TrialError(fn, info, params, error);
    }
    const trial: Trial<P> = { ...info, params, score: parsed.score, metrics: parsed.metrics };
    onTrialEnd?.(trial);
    return trial;
  };
  if (objective instanceof TrainingObjective) {
    const values = await objective.evaluate(fn, planned);
    return planned.map((plan, i) => finish(values[i], plan));
  }
  const trials: Trial<P>[] = [];
  for (const plan of planned) {
    let value: unknown;
    try {
      value = await objective(plan.params, { ...plan.info });
    } catch (error) {
      throw new TrialError(fn, plan.info, plan.params, error);
    }
    trials.push(finish(value, plan));
  }
  return trials;
}

/** Checks an `onTrialEnd` option. */
export function checkOnTrialEnd(fn: string, onTrialEnd: unknown): void {
  if (onTrialEnd !== undefined && typeof onTrialEnd !== "function") invalidArgument(fn, "options.onTrialEnd", onTrialEnd, "a function (trial) => void");
}
