/**
 * "The penalty in the loss" for custom training loops: the sum of a penalty over a model's weights,
 *
 *   Ω(θ) = Σ_{kernels W} Ω(W),
 *
 * to add to the data loss inside `optimizer.minimize(() => ...)`. With `l2Penalty({ strength: α })` its gradient
 * is α·W for every kernel, so a plain SGD step is W ← (1 − ηα)·W − η∇L (lecture 000); under Adam the same
 * gradient is rescaled per entry, which is why it is not the same as decoupled weight decay (lecture 002).
 *
 * Which weights: the lecture penalizes only the weights that multiply inputs ("kernels"), not the biases: a bias
 * controls one unit's offset, needs little data to fit, and penalizing it can underfit (lecture 000). A weight
 * counts as a kernel when its name ends in "kernel" (dense, conv, depthwise/pointwise and recurrent kernels) or
 * "embeddings"; as a bias when it ends in "bias". Normalization scales and shifts (gamma, beta) and other
 * weights are never included. Only trainable weights are summed.
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../../errors";
import type { TfRegularizer } from "./base";

/** Options of `modelPenalty` / `penalizedWeights`. */
export interface ModelPenaltyOptions {
  /** Also penalize the biases (default false, the lecture's convention). */
  includeBiases?: boolean;
}

/** A tfjs layer weight (`LayerVariable`), as `model.trainableWeights` lists it. */
export type ModelWeight = tf.LayersModel["trainableWeights"][number];

/** Whether a weight name is a kernel ("…/kernel", "…/recurrent_kernel", "…/embeddings", ...). */
export function isKernelWeightName(name: string): boolean {
  return /kernel(_\d+)?$/.test(name) || /embeddings(_\d+)?$/.test(name);
}

/** Whether a weight name is a bias ("…/bias"). */
export function isBiasWeightName(name: string): boolean {
  return /bias(_\d+)?$/.test(name);
}

/** The trainable weights of `model` that `modelPenalty` sums over: the kernels, and the biases if asked. */
export function penalizedWeights(model: tf.LayersModel, options: ModelPenaltyOptions = {}): ModelWeight[] {
  if (!(model instanceof tf.LayersModel)) invalidArgument("penalizedWeights", "model", model, "a tf.LayersModel");
  const includeBiases = options.includeBiases ?? false;
  if (typeof includeBiases !== "boolean") invalidArgument("penalizedWeights", "options.includeBiases", includeBiases, "a boolean");
  return model.trainableWeights.filter((w) => isKernelWeightName(w.originalName) || (includeBiases && isBiasWeightName(w.originalName)));
}

/**
 * Σ penalty.apply(W) over the kernels of `model` (and its biases with `includeBiases: true`), a scalar that the
 * caller owns; differentiable with respect to the weights, so it can be added to a loss inside
 * `optimizer.minimize`. `penalty` is any tfjs regularizer (kernel-lib's or tfjs's own `tf.regularizers.l2()`).
 * A model with no such weight gives 0.
 */
export function modelPenalty(model: tf.LayersModel, penalty: TfRegularizer, options: ModelPenaltyOptions = {}): tf.Scalar {
  if (penalty == null || typeof (penalty as Partial<TfRegularizer>).apply !== "function") {
    invalidArgument("modelPenalty", "penalty", penalty, "a regularizer (an object with apply(w) returning a scalar)");
  }
  const weights = penalizedWeights(model, options);
  return tf.tidy(() => weights.reduce<tf.Scalar>((total, w) => tf.add(total, penalty.apply(w.read())), tf.scalar(0)));
}
