/**
 * The core of every per-example norm: standardize each group of elements with its own mean and variance,
 *
 *   μ = (1/m) Σ_{k∈S} x_k,   σ² = (1/m) Σ_{k∈S} (x_k − μ)²,   x̂_k = (x_k − μ) / √(σ² + ε),
 *
 * where S is one set of m elements that share statistics (lecture 002, "Group Normalization": the sets S_i
 * and the biased 1/m variance; Wu & He 2018, eq. 1-2). Batch norm takes S over the batch; layer, group and
 * instance norm take S inside one example, so nothing here ever mixes two examples.
 *
 * The backward pass is written out rather than left to autodiff. Lecture 000 derives batch norm's gradient by
 * the chain rule through x̂, σ² and μ; the same derivation with the sums running over S instead of over the
 * batch gives, for an upstream gradient g = ∂L/∂x̂,
 *
 *   ∂L/∂σ² = Σ_S g·(x − μ) · (−½)(σ² + ε)^(−3/2),
 *   ∂L/∂μ  = −Σ_S g / √(σ² + ε)            (the ∂σ²/∂μ term is 0 since Σ_S (x − μ) = 0),
 *   ∂L/∂x  = g / √(σ² + ε) + ∂L/∂σ² · 2(x − μ)/m + ∂L/∂μ / m,
 *
 * which collapses (substitute x − μ = x̂ √(σ² + ε)) to the compact form
 *
 *   ∂L/∂x = (1/m) · (σ² + ε)^(−½) · (m·g − Σ_S g − x̂ · Σ_S g·x̂).
 *
 * Only x̂ and 1/√(σ² + ε) are kept for the backward pass.
 */
import * as tf from "@tensorflow/tfjs";
import { describeValue, invalidArgument } from "../../errors";

/** PyTorch's default ε for its normalization layers (and Wu & He's). tfjs's own layers default to 1e-3. */
export const DEFAULT_PER_EXAMPLE_NORM_EPSILON = 1e-5;

/** Checks that ε is a finite number > 0 (ε = 0 divides by zero on a constant group). */
export function checkEpsilon(fn: string, epsilon: unknown): number {
  if (typeof epsilon !== "number" || !Number.isFinite(epsilon) || epsilon <= 0) invalidArgument(fn, "epsilon", epsilon, "a finite number > 0");
  return epsilon;
}

/**
 * Resolves axes (negative ones count from the end) against a rank and checks them: each must be a
 * non-batch axis (1 ≤ axis < rank, or −rank < axis ≤ −1) and appear once. Returns them sorted, non-negative.
 */
export function resolveExampleAxes(fn: string, name: string, axes: number | readonly number[], rank: number): number[] {
  const list = typeof axes === "number" ? [axes] : [...axes];
  if (list.length === 0) invalidArgument(fn, name, axes, "at least one axis");
  const resolved = list.map((axis) => {
    if (typeof axis !== "number" || !Number.isInteger(axis) || axis >= rank || axis < -rank) {
      invalidArgument(fn, name, axes, `axes in [-${rank}, ${rank - 1}] for an input of rank ${rank}`);
    }
    const positive = axis < 0 ? axis + rank : axis;
    if (positive === 0) invalidArgument(fn, name, axes, "axes other than 0: axis 0 is the batch axis, and a per-example norm never mixes examples");
    return positive;
  });
  if (new Set(resolved).size !== resolved.length) invalidArgument(fn, name, axes, "each axis once");
  return resolved.sort((a, b) => a - b);
}

/** Number of elements that share one mean and variance: the product of the sizes of `axes`. */
export function groupSize(shape: readonly number[], axes: readonly number[]): number {
  return axes.reduce((m, axis) => m * shape[axis]!, 1);
}

/**
 * Checks that a set of elements sharing one mean and variance holds at least 2 of them: the standardized value
 * of a single element is 0 whatever its value, so the layer would output β and pass no gradient to x.
 */
export function checkGroupSize(fn: string, name: string, shape: readonly number[], m: number, what: string): number {
  if (m < 2)
    invalidArgument(
      fn,
      name,
      shape,
      `at least 2 elements in each set that shares a mean and variance (${what} = ${m}); a single element always standardizes to 0`,
    );
  return m;
}

/**
 * x̂ = (x − μ)/√(σ² + ε) with μ, σ² (biased) taken over `axes` of `x` separately for every index of the other
 * axes, with the closed-form backward pass of the module comment (a `tf.customGrad`). `axes` must not hold
 * axis 0 (the batch axis): see `resolveExampleAxes`. The caller owns the result; intermediates are freed.
 */
export function standardizeOverAxes(x: tf.Tensor, axes: number | readonly number[], epsilon: number = DEFAULT_PER_EXAMPLE_NORM_EPSILON): tf.Tensor {
  const fn = "standardizeOverAxes";
  if (!(x instanceof tf.Tensor)) invalidArgument(fn, "x", x, "a tf.Tensor");
  if (x.dtype !== "float32") invalidArgument(fn, "x.dtype", x.dtype, `"float32"`);
  if (x.rank < 2) invalidArgument(fn, "x.shape", x.shape, "rank >= 2 (a batch axis and at least one axis to normalize over)");
  const resolved = resolveExampleAxes(fn, "axes", axes, x.rank);
  checkEpsilon(fn, epsilon);
  const m = checkGroupSize(fn, "x.shape", x.shape, groupSize(x.shape, resolved), "the product of the sizes of the normalized axes");
  const standardize = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const mean = tf.mean(xIn, resolved, true);
    const centered = tf.sub(xIn, mean);
    const variance = tf.mean(tf.square(centered), resolved, true);
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const normalized = tf.mul(centered, invStd);
    save([normalized, invStd]);
    return {
      value: normalized,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xHat, inv] = saved as [tf.Tensor, tf.Tensor];
        return tf.tidy(() => {
          const sumDy = tf.sum(dy, resolved, true);
          const sumDyXHat = tf.sum(tf.mul(dy, xHat), resolved, true);
          const inner = tf.sub(tf.sub(tf.mul(dy, m), sumDy), tf.mul(xHat, sumDyXHat));
          return tf.mul(inner, tf.div(inv, m));
        });
      },
    };
  });
  return tf.tidy(() => standardize(x));
}

/** Throws unless `param` is undefined/null or a float32 tensor whose shape broadcasts exactly as `expected`. */
export function checkAffineParam(fn: string, name: string, param: tf.Tensor | null | undefined, expected: readonly number[], what: string): void {
  if (param == null) return;
  if (!(param instanceof tf.Tensor)) invalidArgument(fn, name, param, "a tf.Tensor, null or undefined");
  if (param.shape.length !== expected.length || param.shape.some((d, i) => d !== expected[i])) {
    invalidArgument(fn, `${name}.shape`, param.shape, `${describeValue([...expected])} (${what})`);
  }
}

/** y = x̂ · γ + β, leaving out γ or β when it is null/undefined (no scale / no shift). */
export function affine(xHat: tf.Tensor, gamma: tf.Tensor | null | undefined, beta: tf.Tensor | null | undefined): tf.Tensor {
  return tf.tidy(() => {
    let y = xHat;
    if (gamma != null) y = tf.mul(y, gamma);
    if (beta != null) y = tf.add(y, beta);
    return y === xHat ? tf.clone(xHat) : y;
  });
}
