/**
 * Random masks of the dropout family, drawn by seeded tfjs ops (the same seed gives the same mask).
 *
 * Bernoulli mask (Srivastava et al. 2014, eq. 2; lecture 002 "r ~ Bernoulli(p)"): m = 1[u < keepProb] with
 * u ~ U[0, 1), so P(m = 1) = keepProb, E[m] = keepProb, Var[m] = keepProb (1 − keepProb).
 *
 * Gaussian ("analog") mask (Srivastava et al. 2014, §10; lecture 000, "the mask can be analog; it need not be
 * binary"): m ~ N(1, σ²) with σ² = (1 − keepProb)/keepProb, the variance of the inverted Bernoulli mask
 * 1[u < keepProb]/keepProb. So E[m] = 1 and Var[m] match inverted dropout, and no rescaling is needed at inference.
 *
 * Noise shape (as tfjs's and Keras's `noiseShape`): the mask is drawn at a shape with a 1 on the axes where one mask
 * entry should serve the whole axis and broadcast over the input; `null` means "the input's size on this axis".
 * For channel-wise ("spatial") dropout of an [N, H, W, C] input, noiseShape = [null, 1, 1, null] drops whole
 * feature maps (Tompson et al. 2015).
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, invalidArgument } from "../../errors";
import { checkKeepProb } from "./keep-prob";

/** A mask shape relative to the input: one entry per input axis, `null` = the input's size, 1 = shared along the axis. */
export type NoiseShape = (number | null)[];

/**
 * Bernoulli(keepProb) mask of `shape` as float32 zeros and ones: 1[u < keepProb], u ~ U[0, 1) from tfjs's seeded
 * generator. The caller owns the result.
 */
export function bernoulliMask(shape: number[], keepProb: number, seed: number): tf.Tensor {
  const fn = "bernoulliMask";
  checkShape(fn, shape);
  checkKeepProb(fn, "keepProb", keepProb);
  checkInteger(fn, "seed", seed);
  if (keepProb === 1) return tf.ones(shape);
  return tf.tidy(() => tf.cast(tf.less(tf.randomUniform(shape, 0, 1, "float32", seed), keepProb), "float32"));
}

/** The standard deviation σ = √((1 − keepProb)/keepProb) of the Gaussian mask that matches inverted dropout's variance. */
export function gaussianDropoutStd(keepProb: number): number {
  checkKeepProb("gaussianDropoutStd", "keepProb", keepProb);
  return Math.sqrt((1 - keepProb) / keepProb);
}

/** Gaussian mask N(1, (1 − keepProb)/keepProb) of `shape`, from tfjs's seeded normal generator. The caller owns it. */
export function gaussianMask(shape: number[], keepProb: number, seed: number): tf.Tensor {
  const fn = "gaussianMask";
  checkShape(fn, shape);
  checkInteger(fn, "seed", seed);
  const std = gaussianDropoutStd(keepProb);
  if (std === 0) return tf.ones(shape);
  return tf.randomNormal(shape, 1, std, "float32", seed);
}

/** Checks a user-given noise shape (null or an array of positive integers and nulls); returns a copy or undefined. */
export function checkNoiseShape(fn: string, name: string, noiseShape: unknown): NoiseShape | undefined {
  if (noiseShape == null) return undefined;
  if (!Array.isArray(noiseShape) || noiseShape.some((d) => d !== null && (typeof d !== "number" || !Number.isInteger(d) || d < 1))) {
    invalidArgument(fn, name, noiseShape, "an array with one entry per input axis, each a positive integer or null (= the input's size)");
  }
  return noiseShape.slice() as NoiseShape;
}

/**
 * The concrete mask shape for an input of `inputShape`: null entries become the input's size; every other entry must
 * be 1 (shared along that axis) or the input's size. Without a noise shape the mask has the input's shape.
 */
export function resolveNoiseShape(fn: string, noiseShape: NoiseShape | undefined, inputShape: number[]): number[] {
  if (noiseShape === undefined) return inputShape.slice();
  if (noiseShape.length !== inputShape.length) {
    invalidArgument(fn, "noiseShape", noiseShape, `one entry per axis of the input of shape [${inputShape.join(", ")}]`);
  }
  return noiseShape.map((d, axis) => {
    const size = inputShape[axis]!;
    if (d === null) return size;
    if (d !== 1 && d !== size) invalidArgument(fn, `noiseShape[${axis}]`, d, `1, null or the input's size ${size} on axis ${axis}`);
    return d;
  });
}

function checkShape(fn: string, shape: unknown): void {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 0)) {
    invalidArgument(fn, "shape", shape, "an array of non-negative integers");
  }
}
