/** What every search takes (direction, seed, a per-trial callback) and what it returns (the trials and the best one). */
import { checkInteger, checkOneOf, invalidArgument } from "../errors";
import { nextSeed } from "../random";
import { checkOnTrialEnd } from "./run-trials";
import { DIRECTIONS, type Direction, type Trial } from "./trial";

export interface SearchOptions<P> {
  /** "maximize" (accuracy) or "minimize" (loss). Required: a wrong default would silently pick the worst trial. */
  direction: Direction;
  /** Seed of the points drawn and of the trials' own seeds. Left out, one is drawn from the global stream (`nextSeed()`). */
  seed?: number;
  /** Called after every trial (e.g. to print progress or update a live chart). */
  onTrialEnd?: (trial: Trial<P>) => void;
}

export interface SearchResult<P> {
  /** Every trial, in the order they ran (`index` order). */
  trials: Trial<P>[];
  /** The best trial for `direction` (NaN scores rank last; ties go to the earlier trial). */
  best: Trial<P>;
  direction: Direction;
  /** The seed the search ran with (given, or drawn). */
  seed: number;
}

/** Checks the shared options; returns the direction and the seed to run with. */
export function checkSearchOptions(fn: string, options: unknown): { direction: Direction; seed: number } {
  if (options === null || typeof options !== "object") invalidArgument(fn, "options", options, "an options object { direction, ... }");
  const o = options as Partial<SearchOptions<unknown>>;
  const direction = checkOneOf(fn, "options.direction", o.direction, DIRECTIONS);
  const seed = o.seed === undefined ? nextSeed() : checkInteger(fn, "options.seed", o.seed);
  checkOnTrialEnd(fn, o.onTrialEnd);
  return { direction, seed };
}
