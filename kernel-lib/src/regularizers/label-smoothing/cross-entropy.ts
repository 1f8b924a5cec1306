/**
 * Softmax cross-entropy against label-smoothed targets (lecture 000; Goodfellow et al. 2016 §7.5.1; Szegedy et al.
 * 2016 §7). For logits z ∈ ℝ^K of one example and smoothed targets q (see smooth-labels.ts),
 *
 *     ℓ(q, z) = −Σ_k q_k · log softmax(z)_k,   log softmax(z)_k = z_k − log Σ_j exp z_j,
 *
 * computed with tfjs's `logSoftmax`, which subtracts max_j z_j before exponentiating (log-sum-exp), so large logits
 * neither overflow nor lose the small classes' log-probabilities. The gradient is ∂ℓ/∂z = softmax(z) − q: the
 * optimum is softmax(z) = q, finite logits, which is why smoothing stops the logit gap from growing without bound.
 * With ε = 0 it is the plain cross-entropy −log softmax(z)_y. Under the "pytorch" convention it equals
 * `torch.nn.functional.cross_entropy(z, y, label_smoothing=ε)`.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOneOf, invalidArgument } from "../../errors";
import { checkLabelSmoothingOptions, smoothLabels, type LabelSmoothingOptions } from "./smooth-labels";

/** "mean" (default): the average over the batch, a scalar; "none": one loss per example, shape [N]. */
export type CrossEntropyReduction = "mean" | "none";

export interface SmoothedCrossEntropyOptions extends LabelSmoothingOptions {
  /** How to reduce over the batch. Default "mean" (PyTorch's default). */
  reduction?: CrossEntropyReduction;
}

export interface SmoothedCrossEntropyLossOptions extends SmoothedCrossEntropyOptions {
  /**
   * Whether the model's outputs `yPred` are logits (a linear last layer) or probabilities (a softmax last layer,
   * the usual tfjs model). Default false: probabilities, as tfjs's own `categoricalCrossentropy`.
   */
  fromLogits?: boolean;
}

/** Smallest probability whose log is taken when `yPred` are probabilities (Keras uses the same 1e-7). */
export const PROBABILITY_FLOOR = 1e-7;

function checkLogits(fn: string, name: string, logits: unknown, labels: tf.Tensor): tf.Tensor2D {
  if (!(logits instanceof tf.Tensor) || logits.isDisposed) invalidArgument(fn, name, logits, "a live tf.Tensor [N, K]");
  if (logits.dtype !== "float32") invalidArgument(fn, `${name}.dtype`, logits.dtype, '"float32"');
  if (logits.rank !== 2 || logits.shape[0] !== labels.shape[0] || logits.shape[1] !== labels.shape[1]) {
    invalidArgument(fn, `${name}.shape`, logits.shape, `the labels' shape [${labels.shape.join(", ")}]`);
  }
  return logits as tf.Tensor2D;
}

/** −Σ_k q_k log p_k per row, reduced; `logProbabilities` are log softmax(z) [N, K]. */
function crossEntropyOfLogProbabilities(targets: tf.Tensor, logProbabilities: tf.Tensor, reduction: CrossEntropyReduction): tf.Tensor {
  const perExample = tf.neg(tf.sum(tf.mul(targets, logProbabilities), -1));
  return reduction === "mean" ? tf.mean(perExample) : perExample;
}

/**
 * Label-smoothed softmax cross-entropy from one-hot `labels` [N, K] and `logits` [N, K] (unnormalized scores, before
 * any softmax): mean over the batch of −Σ_k q_k log softmax(z)_k, q = smoothLabels(labels, options). Differentiable in
 * `logits` (use it inside `tf.grad`, `optimizer.minimize` or a custom loop). Throws on ε ∉ [0, 1), on rows that are
 * not one-hot and on mismatched shapes. Frees every intermediate tensor; the caller owns the result.
 */
export function smoothedCrossEntropy(labels: tf.Tensor, logits: tf.Tensor, options: SmoothedCrossEntropyOptions): tf.Tensor {
  const fn = "smoothedCrossEntropy";
  const checked = checkLabelSmoothingOptions(fn, options);
  const reduction = checkOneOf(fn, "options.reduction", options.reduction ?? "mean", ["mean", "none"] as const);
  const z = checkLogits(fn, "logits", logits, labels);
  return tf.tidy(() => crossEntropyOfLogProbabilities(smoothLabels(labels, checked), tf.logSoftmax(z), reduction));
}

/**
 * A loss function `(yTrue, yPred) => loss` for `model.compile({ loss })`, kernel-lib's `fit` and custom loops:
 * label-smoothed cross-entropy with one-hot `yTrue`. With `fromLogits: true` it is `smoothedCrossEntropy(yTrue,
 * yPred)` (exact and stable; give the model a linear last layer). With probabilities (the default, a softmax last
 * layer) it renormalizes each row, clips it to [1e-7, 1] and takes the log, as tfjs's and Keras' categorical
 * cross-entropy do: equal to the logits version up to float32 rounding while every probability is above 1e-7;
 * below that the loss is capped at −log 1e-7 ≈ 16.1 and its gradient is lost, which the logits form avoids.
 */
export function smoothedCrossEntropyLoss(options: SmoothedCrossEntropyLossOptions): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor {
  const fn = "smoothedCrossEntropyLoss";
  const checked = checkLabelSmoothingOptions(fn, options);
  const reduction = checkOneOf(fn, "options.reduction", options.reduction ?? "mean", ["mean", "none"] as const);
  const fromLogits = options.fromLogits ?? false;
  if (typeof fromLogits !== "boolean") invalidArgument(fn, "options.fromLogits", fromLogits, "true or false");
  const settings: SmoothedCrossEntropyOptions = { ...checked, reduction };
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => {
    if (fromLogits) return smoothedCrossEntropy(yTrue, yPred, settings);
    const p = checkLogits(`${fn}(yTrue, yPred)`, "yPred", yPred, yTrue);
    return tf.tidy(() => {
      const normalized = tf.div(p, tf.sum(p, -1, true));
      const logP = tf.log(tf.clipByValue(normalized, PROBABILITY_FLOOR, 1));
      return crossEntropyOfLogProbabilities(smoothLabels(yTrue, settings), logP, reduction);
    });
  };
}
