/**
 * Plugging an augmentation into kernel-lib's `fit`: every training batch is augmented afresh just before its step
 * (through `fit`'s `transformBatch` hook, which frees the augmented batch after the step); validation data and
 * evaluation are not augmented.
 */
import type * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../../errors";
import { fit, type FitOptions, type History } from "../../training/fit";
import { Augmentation } from "./pipeline";

/** Something that maps a batch of inputs to an augmented batch (a new tensor): an `Augmentation` or its `apply`. */
export type BatchAugmenter = Augmentation | ((x: tf.Tensor) => tf.Tensor);

/**
 * `fit(model, x, y, options)` with each training batch augmented by `augment` before its step (a fresh draw at
 * every step; the same sequence for the same augmentation seed and `options.seed`). Validation is not augmented.
 */
export async function fitAugmented(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, augment: BatchAugmenter, options: FitOptions): Promise<History> {
  const map = augment instanceof Augmentation ? augment.apply : augment;
  if (typeof map !== "function")
    invalidArgument("fitAugmented", "augment", augment, "an Augmentation (augmentation([...])) or a function from a batch to a batch");
  if (options.transformBatch) invalidArgument("fitAugmented", "options.transformBatch", "a function", "none (fitAugmented sets it to the augmentation)");
  return fit(model, x, y, { ...options, transformBatch: (xb) => map(xb) });
}
