/**
 * Drawing points from a search space. Each dimension turns one uniform draw u ∈ [0, 1) into a value through its
 * quantile function (the inverse of its cumulative distribution):
 *
 *   logUniform     v = exp(ln low + u · (ln high − ln low))
 *   linearUniform  v = low + u · (high − low)
 *   intUniform     v = low + ⌊u · (high − low + 1)⌋
 *   choice         v = values[⌊u · n⌋]
 *
 * so a point of a d-dimensional space costs exactly d draws, taken in the space's declaration order.
 */
import type { Rng } from "../random";
import type { ChoiceValue, Dimension, ParamsOf, SearchSpace } from "./space";

/**
 * The value of `dimension` at quantile `u` ∈ [0, 1). Values are clamped into [low, high], since exp(ln low) and
 * low + u·(high − low) may round one ulp past a bound.
 */
export function quantile(dimension: Dimension, u: number): ChoiceValue {
  switch (dimension.type) {
    case "logUniform": {
      const logLow = Math.log(dimension.low);
      return clamp(Math.exp(logLow + u * (Math.log(dimension.high) - logLow)), dimension.low, dimension.high);
    }
    case "linearUniform":
      return clamp(dimension.low + u * (dimension.high - dimension.low), dimension.low, dimension.high);
    case "intUniform":
      return Math.min(dimension.high, dimension.low + Math.floor(u * (dimension.high - dimension.low + 1)));
    case "choice":
      return dimension.values[Math.min(dimension.values.length - 1, Math.floor(u * dimension.values.length))]!;
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** One random point of `space`: one draw from `stream` per dimension, in declaration order. */
export function samplePoint<S extends SearchSpace>(space: S, stream: Rng): ParamsOf<S> {
  const point: Record<string, unknown> = {};
  for (const [name, dimension] of Object.entries(space)) point[name] = quantile(dimension, stream.uniform());
  return point as ParamsOf<S>;
}
