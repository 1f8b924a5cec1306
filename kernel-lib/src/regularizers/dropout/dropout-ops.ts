/**
 * Dropout as functions of a tensor, one per convention (the layers in this folder call these).
 *
 * With r ~ Bernoulli(keepProb) elementwise (Srivastava et al. 2014, eq. 2; lectures 000, 002, 003):
 *
 *   standard dropout  (lecture 002 "Dropout", lecture 000, Srivastava et al. 2014 §4):
 *       training  ỹ = r ∘ y,                E[ỹ] = keepProb · y
 *       inference ỹ = keepProb · y          ("the weights are scaled down by a factor of p")
 *   inverted dropout  (lecture 002 "Inverted Dropout", lecture 003's `(rand < p) / p`, PyTorch, tfjs):
 *       training  ỹ = r ∘ y / keepProb,     E[ỹ] = y
 *       inference ỹ = y                     ("no scaling is applied")
 *   Gaussian ("analog") dropout (Srivastava et al. 2014 §10; lecture 000 "the mask can be analog"):
 *       training  ỹ = m ∘ y, m ~ N(1, (1 − keepProb)/keepProb),   E[ỹ] = y, Var[ỹ] as inverted dropout's
 *       inference ỹ = y
 *
 * Both Bernoulli conventions train the same networks: inverted dropout's activations are standard dropout's
 * divided by keepProb, and the next layer's weights absorb the factor. They differ only in where the factor
 * keepProb goes: at inference (standard) or in training (inverted, so inference costs nothing extra).
 *
 * Gradients are tfjs's own: each output is the input times a constant mask (r, r/keepProb, m or keepProb), so
 * ∂ỹ/∂y is that same constant elementwise; the masks are not differentiated.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, invalidArgument } from "../../errors";
import { nextSeed } from "../../random";
import { type KeepProbOptions, resolveKeepProb } from "./keep-prob";
import { bernoulliMask, checkNoiseShape, gaussianMask, type NoiseShape, resolveNoiseShape } from "./masks";

/** Options of the functional dropouts: exactly one of keepProb/dropRate, and the mask's seed and shape. */
export interface DropoutOptions extends KeepProbOptions {
  /** Seed of the mask. Default: drawn from kernel-lib's global stream (`seed(n)` makes it reproducible). */
  seed?: number;
  /** Mask shape relative to `x` (see masks.ts); default: one mask entry per element. */
  noiseShape?: NoiseShape;
  /** Training (draw a mask, the default) or inference (the deterministic rule of the convention). */
  training?: boolean;
}

/** Which of the three conventions (see the module comment). */
export type DropoutConvention = "inverted" | "standard" | "gaussian";

/**
 * The training-time output for a mask already drawn: r ∘ y / keepProb (inverted), r ∘ y (standard) or m ∘ y (Gaussian;
 * `mask` then holds the N(1, σ²) factors). The mask may have a noise shape that broadcasts against `x`.
 */
export function applyDropoutMask(x: tf.Tensor, mask: tf.Tensor, keepProb: number, convention: DropoutConvention): tf.Tensor {
  return tf.tidy(() => {
    const masked = tf.mul(x, mask);
    return convention === "inverted" ? tf.div(masked, keepProb) : masked;
  });
}

/** The inference-time output: keepProb · y for standard dropout, y (a copy) for inverted and Gaussian dropout. */
export function dropoutInference(x: tf.Tensor, keepProb: number, convention: DropoutConvention): tf.Tensor {
  return convention === "standard" && keepProb !== 1 ? tf.mul(x, keepProb) : tf.clone(x);
}

/** Draws the mask of a convention at `maskShape`: Bernoulli(keepProb) zeros/ones, or Gaussian N(1, (1 − keepProb)/keepProb). */
export function drawDropoutMask(maskShape: number[], keepProb: number, convention: DropoutConvention, seed: number): tf.Tensor {
  return convention === "gaussian" ? gaussianMask(maskShape, keepProb, seed) : bernoulliMask(maskShape, keepProb, seed);
}

function functional(fn: string, convention: DropoutConvention, x: tf.Tensor, options: DropoutOptions): tf.Tensor {
  if (!(x instanceof tf.Tensor) || x.isDisposed) invalidArgument(fn, "x", x, "a live tf.Tensor");
  if (x.dtype !== "float32") invalidArgument(fn, "x.dtype", x.dtype, '"float32"');
  const keepProb = resolveKeepProb(fn, options);
  const seed = options.seed === undefined ? nextSeed() : checkInteger(fn, "options.seed", options.seed);
  const noiseShape = checkNoiseShape(fn, "options.noiseShape", options.noiseShape);
  const training = options.training ?? true;
  if (typeof training !== "boolean") invalidArgument(fn, "options.training", training, "a boolean");
  if (!training) return dropoutInference(x, keepProb, convention);
  if (keepProb === 1) return tf.clone(x);
  const maskShape = resolveNoiseShape(fn, noiseShape, x.shape);
  return tf.tidy(() => applyDropoutMask(x, drawDropoutMask(maskShape, keepProb, convention, seed), keepProb, convention));
}

/** Inverted dropout of `x`: r ∘ x / keepProb in training (r ~ Bernoulli(keepProb), seeded), x at inference. */
export function invertedDropout(x: tf.Tensor, options: DropoutOptions): tf.Tensor {
  return functional("invertedDropout", "inverted", x, options);
}

/** Standard dropout of `x`: r ∘ x in training (r ~ Bernoulli(keepProb), seeded), keepProb · x at inference. */
export function standardDropout(x: tf.Tensor, options: DropoutOptions): tf.Tensor {
  return functional("standardDropout", "standard", x, options);
}

/** Gaussian dropout of `x`: m ∘ x in training (m ~ N(1, (1 − keepProb)/keepProb), seeded), x at inference. */
export function gaussianDropout(x: tf.Tensor, options: DropoutOptions): tf.Tensor {
  return functional("gaussianDropout", "gaussian", x, options);
}
