/**
 * Random search (Bergstra & Bengio 2012, "Random Search for Hyper-Parameter Optimization", JMLR 13; lecture 003,
 * "consider random hyperparameter search instead of grid"): a fixed budget of trials, each at a point drawn
 * independently from the declared distributions. When only a few hyperparameters matter, a grid of n^d points tries
 * only n values of each, while n^d random points try n^d distinct values of each.
 */
import { checkInteger } from "../errors";
import { nextSeed } from "../random";
import { bestTrial } from "./ranking";
import { type SearchObjective, checkObjective, planTrials, runTrials, searchStreams } from "./run-trials";
import { samplePoint } from "./sampling";
import { type SearchOptions, type SearchResult, checkSearchOptions } from "./search-result";
import { type ParamsOf, type SearchSpace, checkSpace } from "./space";

export interface RandomSearchOptions<P> extends SearchOptions<P> {
  /** The budget: exactly this many trials (≥ 1). */
  trials: number;
}

/**
 * The points `randomSearch` with the same seed tries, without running anything: `trials` independent draws
 * (the seed drawn from the global stream when left out).
 */
export function randomPoints<S extends SearchSpace>(space: S, options: { trials: number; seed?: number }): ParamsOf<S>[] {
  checkSpace("randomPoints", space);
  checkInteger("randomPoints", "options.trials", options?.trials, 1);
  const seed = options.seed === undefined ? nextSeed() : checkInteger("randomPoints", "options.seed", options.seed);
  const { sampling } = searchStreams(seed);
  return Array.from({ length: options.trials }, () => samplePoint(space, sampling));
}

/**
 * Runs `options.trials` trials at points drawn from `space` (seeded) and returns them with the best one. The
 * objective runs one trial at a time, in this thread; give a `trainingObjective({ task, score, pool })` to train the
 * trials on a pool's worker threads.
 */
export async function randomSearch<S extends SearchSpace>(
  space: S,
  objective: SearchObjective<ParamsOf<S>>,
  options: RandomSearchOptions<ParamsOf<S>>,
): Promise<SearchResult<ParamsOf<S>>> {
  const fn = "randomSearch";
  checkSpace(fn, space);
  checkObjective(fn, objective);
  const { direction, seed } = checkSearchOptions(fn, options);
  const count = checkInteger(fn, "options.trials", options.trials, 1);
  const { sampling, trialSeeds } = searchStreams(seed);
  const points = Array.from({ length: count }, () => samplePoint(space, sampling));
  const trials = await runTrials(fn, objective, planTrials(points, 0, 0, trialSeeds), options.onTrialEnd);
  return { trials, best: bestTrial(trials, direction), direction, seed };
}
