/**
 * Argument checks and axis bookkeeping shared by the batch-norm functions and the layer: which axis holds the
 * features, which axes the statistics are taken over, and how many elements m share one mean and variance.
 */
import * as tf from "@tensorflow/tfjs";
import { describeValue, invalidArgument } from "../../errors";

/** Default ε of batch norm here: tfjs's (`tf.layers.batchNormalization`, Keras). PyTorch's BatchNorm uses 1e-5. */
export const DEFAULT_BATCH_NORM_EPSILON = 1e-3;

/** Checks that ε is a finite number > 0 (ε = 0 divides by zero on a constant feature). */
export function checkBatchNormEpsilon(fn: string, epsilon: unknown): number {
  if (typeof epsilon !== "number" || !Number.isFinite(epsilon) || epsilon <= 0) invalidArgument(fn, "epsilon", epsilon, "a finite number > 0");
  return epsilon;
}

/** Checks that `x` is a float32 tf.Tensor of rank ≥ 2 (a batch axis and a feature axis at least). */
export function checkBatchInput(fn: string, name: string, x: unknown): tf.Tensor {
  if (!(x instanceof tf.Tensor)) invalidArgument(fn, name, x, "a tf.Tensor");
  if (x.dtype !== "float32") invalidArgument(fn, `${name}.dtype`, x.dtype, `"float32"`);
  if (x.rank < 2) invalidArgument(fn, `${name}.shape`, x.shape, "rank >= 2 (a batch axis and a feature axis)");
  return x;
}

/**
 * The feature axis as a non-negative index: `axis` counts from the end when negative (−1 = last axis, the
 * channels of a channels-last [N, H, W, C] input). It must lie in [−rank, rank − 1] and must not be 0, the
 * batch axis (statistics are taken over the batch).
 */
export function resolveFeatureAxis(fn: string, axis: unknown, rank: number): number {
  if (typeof axis !== "number" || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    invalidArgument(fn, "axis", axis, `an integer in [${-rank}, ${rank - 1}] for an input of rank ${rank}`);
  }
  const resolved = axis < 0 ? axis + rank : axis;
  if (resolved === 0) invalidArgument(fn, "axis", axis, "a feature axis other than 0 (axis 0 is the batch axis, which batch norm averages over)");
  return resolved;
}

/** Every axis except the feature axis: the axes batch norm takes its statistics over. */
export function reductionAxes(rank: number, featureAxis: number): number[] {
  return Array.from({ length: rank }, (_, i) => i).filter((i) => i !== featureAxis);
}

/** [1, ..., F, ..., 1]: the shape that makes a per-feature vector broadcast along `featureAxis`. */
export function featureBroadcastShape(shape: readonly number[], featureAxis: number): number[] {
  return shape.map((size, i) => (i === featureAxis ? size : 1));
}

/** m, the number of elements that share one mean and variance: the input size divided by the feature count. */
export function elementsPerFeature(shape: readonly number[], featureAxis: number): number {
  return shape.reduce((m, size, i) => (i === featureAxis ? m : m * size), 1);
}

/** Training mode needs m ≥ 2: with one element per feature, σ² = 0 and x̂ = 0 whatever the input. */
export function checkTrainingBatch(fn: string, shape: readonly number[], featureAxis: number): number {
  const m = elementsPerFeature(shape, featureAxis);
  if (m < 2) {
    invalidArgument(
      fn,
      "x.shape",
      shape,
      "at least 2 elements per feature in training mode (a batch of one has variance 0, so x̂ = 0 for any input); " +
        "use inference mode (training: false), which uses the running statistics, for a single example",
    );
  }
  return m;
}

/** Checks that `param` is a tf.Tensor of shape [features] (or null when `nullable`). */
export function checkFeatureVector(fn: string, name: string, param: unknown, features: number, nullable: boolean): tf.Tensor1D | null {
  if (param == null && nullable) return null;
  if (!(param instanceof tf.Tensor)) invalidArgument(fn, name, param, nullable ? "a tf.Tensor1D or null" : "a tf.Tensor1D");
  if (param.rank !== 1 || param.shape[0] !== features)
    invalidArgument(fn, `${name}.shape`, param.shape, `${describeValue([features])} (one value per feature)`);
  return param as tf.Tensor1D;
}
