/**
 * The two shapes an augmentation takes. A random `ImageTransform` maps a batch [N, H, W, C] to a new batch, drawing
 * what it needs per image from a seeded stream that the pipeline (`augmentation`) owns, so the same seed repeats the
 * same sequence of batches and successive calls differ. A deterministic `ImageView` (identity, flip, a fixed crop)
 * is what test-time augmentation averages over.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Rng } from "../../random";

/** A random, label-preserving image transform. */
export interface ImageTransform {
  /** What it does, for error messages and listings (e.g. `horizontalFlip(probability = 0.5)`). */
  readonly name: string;
  /**
   * Transforms `images` ([N, H, W, C], float32) with randomness drawn from `stream`, one draw per image, and returns
   * a new tensor that the caller disposes (`images` is left as it was; tensors made on the way are freed).
   */
  apply(images: tf.Tensor4D, stream: Rng): tf.Tensor4D;
}

/** A deterministic view of an image batch, for test-time augmentation. */
export interface ImageView {
  readonly name: string;
  /** The view of `images` ([N, H, W, C]) as a new tensor that the caller disposes. */
  apply(images: tf.Tensor4D): tf.Tensor4D;
}

/**
 * One coin per image: entry i is 1 when image i gets the transform, with probability `probability`. Always draws
 * exactly `count` uniforms, so the stream advances by the same amount whatever the probability.
 */
export function drawApplied(stream: Rng, count: number, probability: number): Uint8Array {
  const applied = new Uint8Array(count);
  for (let i = 0; i < count; i++) applied[i] = stream.uniform() < probability ? 1 : 0;
  return applied;
}
