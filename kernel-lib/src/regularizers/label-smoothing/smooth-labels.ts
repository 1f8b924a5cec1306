/**
 * Label smoothing (lecture 000; Goodfellow, Bengio, Courville 2016, "Deep Learning" §7.5.1; Szegedy et al. 2016,
 * "Rethinking the Inception Architecture", §7): replace the hard one-hot target of a softmax classifier by a soft
 * one, so that the maximum-likelihood optimum is no longer an infinite logit gap and the model stays less confident.
 * Two conventions for K classes and smoothing strength ε ∈ [0, 1):
 *
 *   - "lecture" (lecture 000, Goodfellow et al. §7.5.1): q_y = 1 − ε for the true class y, q_k = ε/(K−1) for k ≠ y.
 *     ε is the total mass moved away from the true class.
 *   - "pytorch" (Szegedy et al. 2016; PyTorch's `cross_entropy(..., label_smoothing=ε)`, Keras'
 *     `label_smoothing`): q = (1 − ε)·onehot + ε/K, i.e. q_y = 1 − ε + ε/K, q_k = ε/K. ε is the weight of a mix
 *     with the uniform distribution; the true class keeps part of it.
 *
 * The two describe the same family: "pytorch" with ε equals "lecture" with ε' = ε·(K−1)/K.
 * The default is "pytorch": it is the definition the frameworks share (PyTorch, Keras, the Inception paper), so a
 * number taken from a paper or another code base means the same here; pass `convention: "lecture"` for the lecture's.
 */
import * as tf from "@tensorflow/tfjs";
import { checkNumber, checkOneOf, invalidArgument } from "../../errors";

/** Which definition of the smoothed target (see the module comment). */
export type LabelSmoothingConvention = "lecture" | "pytorch";
export const LABEL_SMOOTHING_CONVENTIONS: readonly LabelSmoothingConvention[] = ["pytorch", "lecture"];

export interface LabelSmoothingOptions {
  /** Smoothing strength ε ∈ [0, 1); 0 gives the one-hot targets back. */
  epsilon: number;
  /** "pytorch" (default): (1 − ε)·onehot + ε/K; "lecture": 1 − ε and ε/(K−1). */
  convention?: LabelSmoothingConvention;
}

/** Checked options: ε in [0, 1) and a known convention. */
export function checkLabelSmoothingOptions(fn: string, options: LabelSmoothingOptions): { epsilon: number; convention: LabelSmoothingConvention } {
  if (options == null || typeof options !== "object") invalidArgument(fn, "options", options, "an object { epsilon, convention? }");
  const epsilon = checkNumber(fn, "options.epsilon", options.epsilon, 0);
  if (epsilon >= 1) invalidArgument(fn, "options.epsilon", epsilon, "a number in [0, 1)");
  const convention = checkOneOf(fn, "options.convention", options.convention ?? "pytorch", LABEL_SMOOTHING_CONVENTIONS);
  return { epsilon, convention };
}

/**
 * The target probabilities (true class, every other class) for K classes: [1 − ε, ε/(K−1)] ("lecture") or
 * [1 − ε + ε/K, ε/K] ("pytorch"). Each row of smoothed targets sums to 1.
 */
export function smoothedTargetValues(numClasses: number, options: LabelSmoothingOptions): { trueClass: number; otherClass: number } {
  const { epsilon, convention } = checkLabelSmoothingOptions("smoothedTargetValues", options);
  if (!Number.isInteger(numClasses) || numClasses < 2) invalidArgument("smoothedTargetValues", "numClasses", numClasses, "an integer >= 2");
  if (convention === "lecture") return { trueClass: 1 - epsilon, otherClass: epsilon / (numClasses - 1) };
  return { trueClass: 1 - epsilon + epsilon / numClasses, otherClass: epsilon / numClasses };
}

/**
 * Checks that `labels` is a float32 one-hot matrix [N, K] with K ≥ 2: every entry 0 or 1 and exactly one 1 per row.
 * Reads the values (one small download); throws naming the first offending row.
 */
export function checkOneHot(fn: string, name: string, labels: unknown): tf.Tensor2D {
  if (!(labels instanceof tf.Tensor) || labels.isDisposed) invalidArgument(fn, name, labels, "a live tf.Tensor of one-hot rows [N, K]");
  if (labels.rank !== 2) invalidArgument(fn, `${name}.shape`, labels.shape, "[N, K] (one one-hot row per example)");
  const [rows, numClasses] = labels.shape as [number, number];
  if (numClasses < 2) invalidArgument(fn, `${name}.shape`, labels.shape, "[N, K] with K >= 2 classes");
  if (labels.dtype !== "float32") invalidArgument(fn, `${name}.dtype`, labels.dtype, '"float32"');
  const values = labels.dataSync();
  for (let i = 0; i < rows; i++) {
    let ones = 0;
    for (let k = 0; k < numClasses; k++) {
      const v = values[i * numClasses + k]!;
      if (v === 1) ones++;
      else if (v !== 0) {
        const row = Array.from(values.subarray(i * numClasses, (i + 1) * numClasses));
        invalidArgument(fn, `${name}[${i}]`, row, "a one-hot row (entries 0 or 1); smooth hard labels, not already soft ones");
      }
    }
    if (ones !== 1) invalidArgument(fn, `${name}[${i}]`, Array.from(values.subarray(i * numClasses, (i + 1) * numClasses)), "a one-hot row (exactly one 1)");
  }
  return labels as tf.Tensor2D;
}

/**
 * Smoothed targets from one-hot labels [N, K]: q = onehot·(q_true − q_other) + q_other, with (q_true, q_other)
 * from `smoothedTargetValues` ("pytorch": (1 − ε)·onehot + ε/K; "lecture": 1 − ε and ε/(K−1)). Throws if a row is
 * not one-hot or ε ∉ [0, 1). The caller owns the result; nothing else is left allocated.
 */
export function smoothLabels(oneHot: tf.Tensor, options: LabelSmoothingOptions): tf.Tensor2D {
  const labels = checkOneHot("smoothLabels", "oneHot", oneHot);
  const { trueClass, otherClass } = smoothedTargetValues(labels.shape[1], checkLabelSmoothingOptions("smoothLabels", options));
  return tf.tidy(() => tf.add(tf.mul(labels, trueClass - otherClass), otherClass));
}
