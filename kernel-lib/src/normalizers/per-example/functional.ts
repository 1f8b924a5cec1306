/**
 * Layer, group and instance norm as functions of a tensor and (optional) learnable γ, β: the formulas the
 * layers in this folder call, usable on their own in a notebook. All three standardize within one example
 * (so the result for an example never depends on the rest of the batch, and a batch of one works) and then
 * apply y = γ · x̂ + β. Inputs are channels-last, tfjs's convention: [N, F], [N, L, C], [N, H, W, C].
 * ε defaults to 1e-5 (PyTorch's and Wu & He's value; tfjs's `layerNormalization` defaults to 1e-3).
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, invalidArgument } from "../../errors";
import {
  affine,
  checkAffineParam,
  checkEpsilon,
  checkGroupSize,
  DEFAULT_PER_EXAMPLE_NORM_EPSILON,
  groupSize,
  resolveExampleAxes,
  standardizeOverAxes,
} from "./normalize-over-axes";

function checkInput(fn: string, x: unknown, minRank: number, layout: string): tf.Tensor {
  if (!(x instanceof tf.Tensor)) invalidArgument(fn, "x", x, "a tf.Tensor");
  if (x.dtype !== "float32") invalidArgument(fn, "x.dtype", x.dtype, `"float32"`);
  if (x.rank < minRank) invalidArgument(fn, "x.shape", x.shape, `rank >= ${minRank} (${layout})`);
  return x;
}

/** The channel count C = x.shape[-1] and a check that `groups` is a positive integer dividing it. */
export function checkGroups(fn: string, groups: unknown, channels: number): number {
  checkInteger(fn, "groups", groups, 1);
  if (channels % (groups as number) !== 0) {
    invalidArgument(fn, "groups", groups, `a divisor of the channel count C = ${channels} (the last axis), so that every group holds C / groups channels`);
  }
  return groups as number;
}

export interface LayerNormalizeOptions {
  /** Axes to normalize over, each a non-batch axis; negative counts from the end. Default -1 (the features). */
  axis?: number | number[];
  /** Added to the variance. Default 1e-5. */
  epsilon?: number;
}

/**
 * Layer norm (Ba, Kiros & Hinton 2016; lecture 002 "Beyond Batch Normalization", lecture 001): for each
 * example, μ and σ² over all elements of the axes in `options.axis`, x̂ = (x − μ)/√(σ² + ε), y = γ x̂ + β,
 * with γ, β shaped like those axes (elementwise affine, as PyTorch's `nn.LayerNorm(normalized_shape)` and
 * tfjs's `layerNormalization`). For [N, F] the default axis −1 is Ba et al.'s layer norm over the F features;
 * for [N, H, W, C] pass `axis: [1, 2, 3]` for Wu & He's "LN" over (H, W, C), which is PyTorch's
 * `nn.LayerNorm([C, H, W])` on the channels-first tensor.
 * @param gamma scale, shape = sizes of the normalized axes (in axis order), or null/undefined for γ = 1.
 * @param beta shift, same shape, or null/undefined for β = 0.
 */
export function layerNormalize(x: tf.Tensor, gamma?: tf.Tensor | null, beta?: tf.Tensor | null, options: LayerNormalizeOptions = {}): tf.Tensor {
  const fn = "layerNormalize";
  checkInput(fn, x, 2, "a batch axis and at least one feature axis");
  const axes = resolveExampleAxes(fn, "options.axis", options.axis ?? -1, x.rank);
  const epsilon = checkEpsilon(fn, options.epsilon ?? DEFAULT_PER_EXAMPLE_NORM_EPSILON);
  checkGroupSize(fn, "x.shape", x.shape, groupSize(x.shape, axes), "the product of the sizes of the normalized axes");
  const paramShape = axes.map((axis) => x.shape[axis]!);
  checkAffineParam(fn, "gamma", gamma, paramShape, "the sizes of the normalized axes");
  checkAffineParam(fn, "beta", beta, paramShape, "the sizes of the normalized axes");
  const broadcastShape = x.shape.map((d, axis) => (axes.includes(axis) ? d : 1));
  return tf.tidy(() => affine(standardizeOverAxes(x, axes, epsilon), gamma?.reshape(broadcastShape), beta?.reshape(broadcastShape)));
}

export interface GroupNormalizeOptions {
  /** Number of channel groups G; must divide the channel count C = x.shape[-1]. */
  groups: number;
  /** Added to the variance. Default 1e-5. */
  epsilon?: number;
}

/**
 * Group norm (Wu & He 2018; lecture 002 "Group Normalization"): the C channels (last axis) are split into
 * G groups of C/G consecutive channels; for each example and group, μ_i and σ_i² over the spatial positions
 * and the channels of the group, S_i = {k : k_N = i_N, ⌊k_C / (C/G)⌋ = ⌊i_C / (C/G)⌋},
 * x̂ = (x − μ_i)/√(σ_i² + ε), then a per-channel y = γ_c x̂ + β_c. G = 1 is layer norm over (spatial, C); G = C is
 * instance norm. Works for [N, C] (groups of features), [N, L, C] and [N, H, W, C]; each set needs at least 2
 * elements (spatial positions × C/G ≥ 2).
 * @param gamma per-channel scale [C], or null/undefined for γ = 1.
 * @param beta per-channel shift [C], or null/undefined for β = 0.
 */
export function groupNormalize(
  x: tf.Tensor,
  gamma: tf.Tensor | null | undefined,
  beta: tf.Tensor | null | undefined,
  options: GroupNormalizeOptions,
): tf.Tensor {
  const fn = "groupNormalize";
  checkInput(fn, x, 2, "[N, C], [N, L, C] or [N, H, W, C], channels last");
  if (options == null || typeof options !== "object") invalidArgument(fn, "options", options, "{ groups, epsilon? }");
  const channels = x.shape[x.rank - 1]!;
  const groups = checkGroups(fn, options.groups, channels);
  const epsilon = checkEpsilon(fn, options.epsilon ?? DEFAULT_PER_EXAMPLE_NORM_EPSILON);
  checkGroupSize(fn, "x.shape", x.shape, x.size / (x.shape[0]! * groups), "spatial positions × channels per group");
  checkAffineParam(fn, "gamma", gamma, [channels], "one per channel");
  checkAffineParam(fn, "beta", beta, [channels], "one per channel");
  // [N, ..., C] -> [N, ..., G, C/G]; normalize over the spatial axes and the channels within a group.
  const grouped = [...x.shape.slice(0, -1), groups, channels / groups];
  const axes = [...Array.from({ length: x.rank - 2 }, (_, i) => i + 1), x.rank];
  return tf.tidy(() => affine(standardizeOverAxes(x.reshape(grouped), axes, epsilon).reshape(x.shape), gamma, beta));
}

export interface InstanceNormalizeOptions {
  /** Added to the variance. Default 1e-5. */
  epsilon?: number;
}

/**
 * Instance norm (Ulyanov, Vedaldi & Lempitsky 2016; lecture 002): for each example and each channel, μ and σ²
 * over the spatial positions only, x̂ = (x − μ)/√(σ² + ε), y = γ_c x̂ + β_c. The same as group norm with
 * G = C. Needs spatial axes with at least 2 positions: [N, L, C] or [N, H, W, C] (a [N, C] input has one
 * element per example and channel, whose standardized value is always 0).
 * @param gamma per-channel scale [C], or null/undefined for γ = 1 (PyTorch's default `affine=False`).
 * @param beta per-channel shift [C], or null/undefined for β = 0.
 */
export function instanceNormalize(x: tf.Tensor, gamma?: tf.Tensor | null, beta?: tf.Tensor | null, options: InstanceNormalizeOptions = {}): tf.Tensor {
  const fn = "instanceNormalize";
  checkInput(fn, x, 3, "[N, L, C] or [N, H, W, C]: statistics over the spatial axes need at least one");
  const epsilon = checkEpsilon(fn, options.epsilon ?? DEFAULT_PER_EXAMPLE_NORM_EPSILON);
  const channels = x.shape[x.rank - 1]!;
  checkGroupSize(fn, "x.shape", x.shape, x.size / (x.shape[0]! * channels), "the number of spatial positions");
  checkAffineParam(fn, "gamma", gamma, [channels], "one per channel");
  checkAffineParam(fn, "beta", beta, [channels], "one per channel");
  const spatial = Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
  return tf.tidy(() => affine(standardizeOverAxes(x, spatial, epsilon), gamma, beta));
}

/** Per-example, per-group mean and (biased) variance, each [N, G]. */
export interface GroupMoments {
  mean: tf.Tensor2D;
  variance: tf.Tensor2D;
}

/**
 * The statistics group norm uses: for each example and each of `groups` channel groups, the mean and the
 * biased variance over the spatial positions and the channels of the group. `groups = 1` gives layer norm's
 * statistics over (spatial, C), `groups = C` instance norm's. For printing and checking; the caller owns both.
 */
export function groupMoments(x: tf.Tensor, groups: number): GroupMoments {
  const fn = "groupMoments";
  checkInput(fn, x, 2, "[N, C], [N, L, C] or [N, H, W, C], channels last");
  const channels = x.shape[x.rank - 1]!;
  checkGroups(fn, groups, channels);
  return tf.tidy(() => {
    const n = x.shape[0]!;
    // [N, ..., C] -> [N, rest, G, C/G] -> [N, G, rest · C/G]
    const rest = x.size / (n * channels);
    const perGroup = x
      .reshape([n, rest, groups, channels / groups])
      .transpose([0, 2, 1, 3])
      .reshape([n, groups, -1]);
    const { mean, variance } = tf.moments(perGroup, 2);
    return { mean: mean as tf.Tensor2D, variance: variance as tf.Tensor2D };
  });
}
