/** Ranking trials by score: better first for the direction, NaN scores last, ties in trial order. */
import { checkInteger, checkOneOf } from "../errors";
import { DIRECTIONS, type Direction, type Trial } from "./trial";

/** Sort order of two scores: negative when `a` is better. NaN is worse than any number. */
export function compareScores(a: number, b: number, direction: Direction): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
  if (a === b) return 0;
  return (direction === "maximize" ? a > b : a < b) ? -1 : 1;
}

/** The trials from best to worst (a new array; equal scores keep trial order). */
export function rankTrials<P>(trials: readonly Trial<P>[], direction: Direction): Trial<P>[] {
  checkOneOf("rankTrials", "direction", direction, DIRECTIONS);
  return trials.slice().sort((a, b) => compareScores(a.score, b.score, direction) || a.index - b.index);
}

/** The `k` best trials (all of them when there are fewer). */
export function bestTrials<P>(trials: readonly Trial<P>[], k: number, direction: Direction): Trial<P>[] {
  checkInteger("bestTrials", "k", k, 1);
  return rankTrials(trials, direction).slice(0, k);
}

/** The best trial (the first one if every score is NaN). */
export function bestTrial<P>(trials: readonly Trial<P>[], direction: Direction): Trial<P> {
  if (!Array.isArray(trials as unknown) || trials.length === 0) throw new RangeError("bestTrial: trials = [], expected at least one trial");
  return rankTrials(trials, direction)[0]!;
}
