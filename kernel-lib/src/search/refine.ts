/**
 * One coarse-to-fine step (lecture 003: "coarse to fine: start with broad sweep, then zero in"): a narrower space
 * around the best trials of a stage.
 *
 * The rule, per dimension, with the k best trials (NaN scores left out; all trials if there are fewer than k):
 *
 *   numeric   in search coordinates t (t = ln v for logUniform, t = v otherwise), with W = t(high) − t(low) the
 *             current width:
 *               low'  = max(t(low),  min over the k best of t − padding · W)
 *               high' = min(t(high), max over the k best of t + padding · W)
 *             mapped back (exp for logUniform): the range that spans the k best, widened by `padding` of the old
 *             width on each side, and never leaving the old range. For intUniform the ends are rounded outward, and
 *             a range that shrinks to one integer is widened by one inside the old range.
 *   choice    the values that at least one of the k best trials took, in their declared order.
 *
 * So with padding 0.1, a log range of 5 decades around one best trial becomes a single decade centred on it
 * (clipped at the old ends). A best trial at the edge of the space is a hint that the space was too narrow: the
 * rule does not move past the declared range, so widen it by hand and search again.
 */
import { checkInteger, checkNumber, checkOneOf, invalidArgument } from "../errors";
import { rankTrials } from "./ranking";
import { type Dimension, type ParamsOf, type SearchSpace, checkSpace } from "./space";
import { DIRECTIONS, type Direction, type Trial } from "./trial";

export interface RefineOptions {
  direction: Direction;
  /** How many of the best trials the new ranges must contain. Default: a quarter of the trials, rounded up. */
  topK?: number;
  /** How much of the old width (in search coordinates) to add on each side of the best trials' span, > 0. Default 0.1. */
  padding?: number;
}

/** Default `topK` for a stage of `trials` trials: ⌈trials / 4⌉. */
export function defaultTopK(trials: number): number {
  return Math.max(1, Math.ceil(trials / 4));
}

/** One dimension narrowed to the values `kept` (the best trials' values of it). */
function refineDimension(dimension: Dimension, kept: readonly unknown[], padding: number): Dimension {
  if (dimension.type === "choice") return Object.freeze({ type: "choice", values: Object.freeze(dimension.values.filter((v) => kept.includes(v))) });
  const values = kept as number[];
  if (dimension.type === "intUniform") {
    const width = dimension.high - dimension.low;
    let low = Math.max(dimension.low, Math.floor(Math.min(...values) - padding * width));
    let high = Math.min(dimension.high, Math.ceil(Math.max(...values) + padding * width));
    if (low === high) {
      if (high < dimension.high) high += 1;
      else low -= 1;
    }
    return Object.freeze({ type: "intUniform", low, high });
  }
  const log = dimension.type === "logUniform";
  const toT = (v: number): number => (log ? Math.log(v) : v);
  const fromT = (t: number): number => (log ? Math.exp(t) : t);
  const [tLow, tHigh] = [toT(dimension.low), toT(dimension.high)];
  const margin = padding * (tHigh - tLow);
  const newLow = Math.min(...values.map(toT)) - margin;
  const newHigh = Math.max(...values.map(toT)) + margin;
  const low = newLow <= tLow ? dimension.low : fromT(newLow);
  const high = newHigh >= tHigh ? dimension.high : fromT(newHigh);
  // Rounding could only collapse a range far narrower than any search needs; keep the old one then.
  if (!(low < high)) return dimension;
  return Object.freeze({ type: dimension.type, low, high });
}

/** The space narrowed around the best trials of `trials` (see the rule above); `fn` only changes how errors read. */
export function refineSpace<S extends SearchSpace>(space: S, trials: readonly Trial<ParamsOf<S>>[], options: RefineOptions, fn = "refineSpace"): S {
  checkSpace(fn, space);
  if (!Array.isArray(trials as unknown) || trials.length === 0) invalidArgument(fn, "trials", trials, "a non-empty array of trials");
  if (options === null || typeof options !== "object") invalidArgument(fn, "options", options, "{ direction, topK?, padding? }");
  const direction = checkOneOf(fn, "options.direction", options.direction, DIRECTIONS);
  const topK = checkInteger(fn, "options.topK", options.topK ?? defaultTopK(trials.length), 1);
  const padding = checkNumber(fn, "options.padding", options.padding ?? 0.1, Number.MIN_VALUE);
  const scored = trials.filter((trial) => !Number.isNaN(trial.score));
  if (scored.length === 0) throw new RangeError(`${fn}: every one of the ${trials.length} trials scored NaN: there is no best trial to refine around`);
  const best = rankTrials(scored, direction).slice(0, topK);
  const refined: Record<string, Dimension> = {};
  for (const [name, dimension] of Object.entries(space)) {
    const kept = best.map((trial) => (trial.params as Record<string, unknown>)[name]);
    kept.forEach((value, i) => {
      const inside =
        dimension.type === "choice"
          ? dimension.values.includes(value as never)
          : typeof value === "number" && value >= dimension.low && value <= dimension.high;
      if (!inside) invalidArgument(fn, `trials[${trials.indexOf(best[i]!)}].params.${name}`, value, `a value inside space.${name} (trials of this space)`);
    });
    refined[name] = refineDimension(dimension, kept, padding);
  }
  return refined as unknown as S;
}
