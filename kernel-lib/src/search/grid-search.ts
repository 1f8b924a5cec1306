/**
 * Grid search: every point of a grid over the space (see `gridPoints` for how each axis is laid out and the order:
 * last dimension fastest). Lecture 003's "short log-space sweep of learning rate and weight decay" is a grid with a
 * few log-spaced points per axis; its cost is the product of the axis lengths.
 */
import { checkInteger, invalidArgument } from "../errors";
import { type GridSpec, gridPoints } from "./grid";
import { bestTrial } from "./ranking";
import { type SearchObjective, checkObjective, planTrials, runTrials, searchStreams } from "./run-trials";
import { type SearchOptions, type SearchResult, checkSearchOptions } from "./search-result";
import { type ParamsOf, type SearchSpace, checkSpace } from "./space";

export interface GridSearchOptions<S extends SearchSpace> extends SearchOptions<ParamsOf<S>> {
  /** An axis per dimension: a number of points, or the values. Choice dimensions left out take all their values. */
  grid?: GridSpec<S>;
  /** A budget: the search refuses to start when the grid has more points than this. Default: no limit. */
  maxTrials?: number;
}

/** Runs one trial per grid point, in grid order, and returns them with the best one. */
export async function gridSearch<S extends SearchSpace>(
  space: S,
  objective: SearchObjective<ParamsOf<S>>,
  options: GridSearchOptions<S>,
): Promise<SearchResult<ParamsOf<S>>> {
  const fn = "gridSearch";
  checkSpace(fn, space);
  checkObjective(fn, objective);
  const { direction, seed } = checkSearchOptions(fn, options);
  const points = gridPoints(space, options.grid ?? {}, fn, "options.grid");
  if (options.maxTrials !== undefined) {
    const budget = checkInteger(fn, "options.maxTrials", options.maxTrials, 1);
    if (points.length > budget)
      invalidArgument(fn, "options.grid", options.grid, `a grid of at most options.maxTrials = ${budget} points (it has ${points.length})`);
  }
  const { trialSeeds } = searchStreams(seed);
  const trials = await runTrials(fn, objective, planTrials(points, 0, 0, trialSeeds), options.onTrialEnd);
  return { trials, best: bestTrial(trials, direction), direction, seed };
}
