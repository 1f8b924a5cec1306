/**
 * Softmax, log-sum-exp and softmax cross-entropy from logits, computed stably, with the naive versions beside them
 * to show what goes wrong (lecture 004, "implementing softmax correctly"; Goodfellow, Bengio & Courville, *Deep
 * Learning*, §4.1). For logits z ∈ ℝ^K:
 *
 *     softmax(z)_k = exp z_k / Σ_j exp z_j,      LSE(z) = log Σ_j exp z_j,      log softmax(z)_k = z_k − LSE(z).
 *
 * Naively, exp overflows to Infinity in float32 once z > 88.7 (softmax becomes Inf/Inf = NaN) and underflows to 0 once
 * z < −103 (LSE becomes log 0 = −Infinity); taking the log of a softmax that rounded to 0 gives −Infinity too. The
 * lecture's two tricks: (1) never take the log of a softmax, use z_k − LSE(z) directly; (2) softmax(z + b) =
 * softmax(z) for a constant b, so shift by the largest logit m = max_j z_j:
 *
 *     LSE(z) = m + log Σ_j exp(z_j − m),
 *
 * where every exponent is ≤ 0 (no overflow) and one term is exp 0 = 1 (the sum is ≥ 1: no log 0); likewise
 * log softmax(z)_k = (z_k − m) − log Σ_j exp(z_j − m). The gradient is ∂LSE/∂z = softmax(z), which
 * `stableLogSumExp` returns directly (a custom gradient, so the shift m leaves no trace), and the cross-entropy
 * ℓ(q, z) = −Σ_k q_k log softmax(z)_k = LSE(z) − Σ_k q_k z_k (for Σ q = 1) has ∂ℓ/∂z = softmax(z) − q.
 *
 * tfjs's own `tf.logSumExp`, `tf.logSoftmax` and `tf.losses.softmaxCrossEntropy` apply the same shift (so does
 * kernel-lib's `smoothedCrossEntropy`, through `tf.logSoftmax`); the functions here spell the formula out for the
 * notebooks, take soft targets, and are checked against those in test/unit/stable-softmax.test.ts.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOneOf, invalidArgument } from "../errors";
import type { CrossEntropyReduction } from "../regularizers/label-smoothing/cross-entropy";

/** Which axis holds the classes: an integer in [−rank, rank) (default −1, the last). */
export interface SoftmaxAxisOptions {
  axis?: number;
}

export interface LogSumExpOptions extends SoftmaxAxisOptions {
  /** Keep the reduced axis with size 1 (default false). */
  keepDims?: boolean;
}

export interface SoftmaxCrossEntropyOptions {
  /** `"mean"` over the examples (default), or `"none"`: one loss per example. */
  reduction?: CrossEntropyReduction;
}

/** Checks a float32 tensor of logits with at least one axis and returns the class axis as a non-negative integer. */
function checkLogits(fn: string, logits: unknown, axisOption: unknown): [tf.Tensor, number] {
  if (!(logits instanceof tf.Tensor) || logits.isDisposed)
    invalidArgument(fn, "logits", logits instanceof tf.Tensor ? "a disposed tensor" : logits, "a live tf.Tensor");
  if (logits.dtype !== "float32") invalidArgument(fn, "logits.dtype", logits.dtype, '"float32"');
  if (logits.rank === 0 || logits.size === 0) invalidArgument(fn, "logits.shape", logits.shape, "at least one axis with at least one class");
  const axis = axisOption ?? -1;
  if (typeof axis !== "number" || !Number.isInteger(axis) || axis < -logits.rank || axis >= logits.rank) {
    invalidArgument(fn, "options.axis", axis, `an integer in [${-logits.rank}, ${logits.rank}) (the class axis)`);
  }
  return [logits, axis < 0 ? axis + logits.rank : axis];
}

function checkKeepDims(fn: string, value: unknown): boolean {
  const keepDims = value ?? false;
  if (typeof keepDims !== "boolean") invalidArgument(fn, "options.keepDims", keepDims, "true or false");
  return keepDims;
}

/**
 * LSE with the class axis kept, m + log Σ_j exp(z_j − m), with the custom gradient dy·softmax(z). The softmax in the
 * gradient is exp(z − m)/Σ_j exp(z_j − m), not exp(z − LSE): at |z| ≈ 1000 LSE is rounded to float32's spacing there
 * (6e-5), and z − LSE would carry that error into every probability; z − m is exact for the largest logits.
 */
function logSumExpKeepDims(z: tf.Tensor, axis: number): tf.Tensor {
  const op = tf.customGrad((x, saveFunction) => {
    const input = x as tf.Tensor;
    const save = saveFunction as (tensors: tf.Tensor[]) => void;
    const m = tf.max(input, axis, true);
    const value = tf.add(m, tf.log(tf.sum(tf.exp(tf.sub(input, m)), axis, true)));
    save([input]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [savedInput] = saved as [tf.Tensor];
        const e = tf.exp(tf.sub(savedInput, tf.max(savedInput, axis, true)));
        return tf.mul(dy as tf.Tensor, tf.div(e, tf.sum(e, axis, true)));
      },
    };
  });
  return op(z);
}

/**
 * log softmax along `axis` as (z − m) − log Σ_j exp(z_j − m), with the custom gradient dy − (Σ_k dy_k)·softmax(z)
 * (the derivative of z_k − LSE(z)); exp of the result is the softmax. Computing (z − m) first keeps the largest
 * log-probabilities exact where z − LSE(z) would lose digits to the rounding of LSE at large |z|.
 */
function logSoftmaxAlong(z: tf.Tensor, axis: number): tf.Tensor {
  const op = tf.customGrad((x, saveFunction) => {
    const input = x as tf.Tensor;
    const save = saveFunction as (tensors: tf.Tensor[]) => void;
    const shifted = tf.sub(input, tf.max(input, axis, true));
    const value = tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
    save([value]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [logSoftmax] = saved as [tf.Tensor];
        const upstream = dy as tf.Tensor;
        return tf.sub(upstream, tf.mul(tf.sum(upstream, axis, true), tf.exp(logSoftmax)));
      },
    };
  });
  return op(z);
}

/**
 * LSE(z) = m + log Σ_j exp(z_j − m) with m = max_j z_j, along `axis` (default the last): finite for any finite
 * logits. Its gradient is softmax(z). The caller owns the result; intermediates are freed.
 */
export function stableLogSumExp(logits: tf.Tensor, options: LogSumExpOptions = {}): tf.Tensor {
  const fn = "stableLogSumExp";
  const [z, axis] = checkLogits(fn, logits, options?.axis);
  const keepDims = checkKeepDims(fn, options?.keepDims);
  return tf.tidy(() => {
    const kept = logSumExpKeepDims(z, axis);
    return keepDims ? kept : tf.squeeze(kept, [axis]);
  });
}

/** log Σ_j exp z_j computed as written: Infinity once a logit exceeds ~88.7 in float32, −Infinity once all are below ~−103. For demonstrations only. */
export function naiveLogSumExp(logits: tf.Tensor, options: LogSumExpOptions = {}): tf.Tensor {
  const fn = "naiveLogSumExp";
  const [z, axis] = checkLogits(fn, logits, options?.axis);
  const keepDims = checkKeepDims(fn, options?.keepDims);
  return tf.tidy(() => tf.log(tf.sum(tf.exp(z), axis, keepDims)));
}

/**
 * log softmax(z)_k = z_k − LSE(z), computed as (z_k − m) − log Σ_j exp(z_j − m): stable (the lecture's trick 1: never
 * the log of a softmax). Gradient dy − (Σ dy)·softmax(z).
 */
export function stableLogSoftmax(logits: tf.Tensor, options: SoftmaxAxisOptions = {}): tf.Tensor {
  const [z, axis] = checkLogits("stableLogSoftmax", logits, options?.axis);
  return tf.tidy(() => logSoftmaxAlong(z, axis));
}

/** softmax(z)_k = exp(log softmax(z)_k) = exp(z_k − m) / Σ_j exp(z_j − m), stable: every exponent is ≤ 0. */
export function stableSoftmax(logits: tf.Tensor, options: SoftmaxAxisOptions = {}): tf.Tensor {
  const [z, axis] = checkLogits("stableSoftmax", logits, options?.axis);
  return tf.tidy(() => tf.exp(logSoftmaxAlong(z, axis)));
}

/** exp z_k / Σ_j exp z_j computed as written: NaN (Inf/Inf) once a logit exceeds ~88.7 in float32. For demonstrations only. */
export function naiveSoftmax(logits: tf.Tensor, options: SoftmaxAxisOptions = {}): tf.Tensor {
  const [z, axis] = checkLogits("naiveSoftmax", logits, options?.axis);
  return tf.tidy(() => {
    const e = tf.exp(z);
    return tf.div(e, tf.sum(e, axis, true));
  });
}

function checkTargets(fn: string, targets: unknown, logits: tf.Tensor): tf.Tensor {
  if (!(targets instanceof tf.Tensor) || targets.isDisposed)
    invalidArgument(fn, "targets", targets instanceof tf.Tensor ? "a disposed tensor" : targets, "a live tf.Tensor");
  if (targets.dtype !== "float32") invalidArgument(fn, "targets.dtype", targets.dtype, '"float32" (one-hot or probability rows)');
  if (!tf.util.arraysEqual(targets.shape, logits.shape)) invalidArgument(fn, "targets.shape", targets.shape, `the logits' shape [${logits.shape.join(", ")}]`);
  return targets;
}

function reduce(fn: string, perExample: tf.Tensor, options: SoftmaxCrossEntropyOptions): tf.Tensor {
  const reduction = checkOneOf(fn, "options.reduction", options?.reduction ?? "mean", ["mean", "none"] as const);
  return reduction === "mean" ? tf.mean(perExample) : perExample;
}

/**
 * Softmax cross-entropy from logits, ℓ(q, z) = −Σ_k q_k (z_k − LSE(z)), along the last axis, averaged over the
 * examples (or per example with `reduction: "none"`). `targets` are one-hot rows or any probability rows q (soft
 * targets), the logits' shape. Finite for any finite logits; gradient softmax(z) − q (per example, over N for the
 * mean). Usable as a loss: `model.compile({ loss: (y, z) => softmaxCrossEntropy(y, z), ... })` with a linear last layer.
 */
export function softmaxCrossEntropy(targets: tf.Tensor, logits: tf.Tensor, options: SoftmaxCrossEntropyOptions = {}): tf.Tensor {
  const fn = "softmaxCrossEntropy";
  const [z] = checkLogits(fn, logits, -1);
  const q = checkTargets(fn, targets, z);
  return tf.tidy(() => reduce(fn, tf.neg(tf.sum(tf.mul(q, stableLogSoftmax(z)), -1)), options));
}

/** −Σ_k q_k log(softmax(z)_k) with the softmax computed naively and then logged: NaN or Infinity for large logits. For demonstrations only. */
export function naiveSoftmaxCrossEntropy(targets: tf.Tensor, logits: tf.Tensor, options: SoftmaxCrossEntropyOptions = {}): tf.Tensor {
  const fn = "naiveSoftmaxCrossEntropy";
  const [z] = checkLogits(fn, logits, -1);
  const q = checkTargets(fn, targets, z);
  return tf.tidy(() => reduce(fn, tf.neg(tf.sum(tf.mul(q, tf.log(naiveSoftmax(z))), -1)), options));
}
