/**
 * Bootstrap resampling (Efron 1979; lecture 003 "resampling with replacement", lecture 000 "Bagging"): from a data
 * set of N examples draw `size` (default N) indices uniformly with replacement,
 *
 *     i₁, …, i_size ~ Uniform{0, …, N − 1}  independently,
 *
 * and call the examples never drawn the out-of-bag set. An example is left out of one draw with probability
 * (1 − 1/N), so out of all `size` draws with probability q = (1 − 1/N)^size; the expected fraction of distinct
 * examples in a sample is 1 − q, which for size = N tends to 1 − 1/e ≈ 0.632 as N grows.
 */
import { checkInteger } from "../errors";
import { rng } from "../random";

/** One bootstrap sample of a data set of N examples. */
export interface BootstrapSample {
  /** The drawn row indices, in draw order, with repeats (length `size`). Pass as `TrainingTask.data.indices`. */
  indices: Int32Array;
  /** The rows never drawn, ascending: the out-of-bag examples, a free validation set for this sample. */
  outOfBag: Int32Array;
  /** The seed the sample was drawn with. */
  seed: number;
}

export interface BootstrapOptions {
  /** How many indices to draw, an integer ≥ 1. Default N (the lectures' bootstrap). */
  size?: number;
  /** Seed of the draws; drawn from the global stream when left out. */
  seed?: number;
}

/**
 * Draws one bootstrap sample of `n` examples: `size` indices uniform on {0, …, n − 1} with replacement (each is
 * ⌊u·n⌋ for a uniform u of the seeded stream), and the out-of-bag indices.
 */
export function bootstrapSample(n: number, options: BootstrapOptions = {}): BootstrapSample {
  const fn = "bootstrapSample";
  checkInteger(fn, "n", n, 1);
  const size = checkInteger(fn, "options.size", options.size ?? n, 1);
  const stream = rng(options.seed === undefined ? undefined : checkInteger(fn, "options.seed", options.seed));
  const indices = new Int32Array(size);
  const drawn = new Uint8Array(n);
  for (let j = 0; j < size; j++) {
    const i = Math.floor(stream.uniform() * n);
    indices[j] = i;
    drawn[i] = 1;
  }
  const outOfBag: number[] = [];
  for (let i = 0; i < n; i++) if (drawn[i] === 0) outOfBag.push(i);
  return { indices, outOfBag: Int32Array.from(outOfBag), seed: stream.seed };
}

/** `count` independent bootstrap samples of `n` examples; the i-th is drawn with the i-th seed of a stream started from `options.seed`. */
export function bootstrapSamples(n: number, count: number, options: BootstrapOptions = {}): BootstrapSample[] {
  const fn = "bootstrapSamples";
  checkInteger(fn, "n", n, 1);
  checkInteger(fn, "count", count, 1);
  const stream = rng(options.seed === undefined ? undefined : checkInteger(fn, "options.seed", options.seed));
  return Array.from({ length: count }, () => bootstrapSample(n, { size: options.size, seed: stream.nextSeed() }));
}

/** Number of distinct values in `indices`. */
export function uniqueCount(indices: ArrayLike<number>): number {
  return new Set(Array.from(indices)).size;
}

/**
 * Expected fraction of the n examples that appear in a bootstrap sample of `size` draws (default n):
 * 1 − (1 − 1/n)^size, → 1 − 1/e ≈ 0.6321 for size = n → ∞.
 */
export function expectedUniqueFraction(n: number, size: number = n): number {
  checkInteger("expectedUniqueFraction", "n", n, 1);
  checkInteger("expectedUniqueFraction", "size", size, 1);
  return 1 - Math.pow(1 - 1 / n, size);
}

/**
 * Standard deviation of the fraction of distinct examples in one bootstrap sample of `size` draws from n. With
 * Iᵢ = [example i never drawn], q₁ = P(Iᵢ) = (1 − 1/n)^size and q₂ = P(Iᵢ Iⱼ) = (1 − 2/n)^size for i ≠ j,
 *
 *     Var(Σ Iᵢ) = n q₁ (1 − q₁) + n (n − 1) (q₂ − q₁²),
 *
 * and the fraction's standard deviation is √Var / n (≈ 0.24/√n for size = n). Tests use it to set tolerances.
 */
export function uniqueFractionStd(n: number, size: number = n): number {
  checkInteger("uniqueFractionStd", "n", n, 1);
  checkInteger("uniqueFractionStd", "size", size, 1);
  const q1 = Math.pow(1 - 1 / n, size);
  const q2 = Math.pow(Math.max(0, 1 - 2 / n), size);
  const variance = n * q1 * (1 - q1) + n * (n - 1) * (q2 - q1 * q1);
  return Math.sqrt(Math.max(0, variance)) / n;
}
