/**
 * Random horizontal flip (lecture 002, "Horizontal Flip"; Krizhevsky et al. 2012, §4.1, "horizontal reflections"):
 * each image is mirrored left–right, x̃[i, j] = x[i, W − 1 − j], with probability `probability`, independently per
 * image. Label-preserving for natural photographs; NOT for digits or text (a mirrored 2 is no 2), so leave it out
 * of an MNIST pipeline. A flip is an involution: flipping twice gives the image back bit for bit.
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../../random";
import { checkImages, checkOptions, checkProbability } from "./checks";
import { drawApplied, type ImageTransform } from "./transform";

export interface HorizontalFlipOptions {
  /** Probability that an image is flipped, in [0, 1]. Default 0.5. */
  probability?: number;
}

/** Mirrors every image of the batch left–right (a new tensor). */
export function flipImages(images: tf.Tensor4D): tf.Tensor4D {
  return tf.image.flipLeftRight(images);
}

/**
 * Keeps image i of `transformed` where `applied[i]` is 1 and of `images` elsewhere: a gather from the two batches
 * stacked, so values are copied exactly (and faster than `tf.where` with a broadcast mask on wasm).
 */
export function selectPerImage(applied: Uint8Array, transformed: tf.Tensor4D, images: tf.Tensor4D): tf.Tensor4D {
  const n = applied.length;
  const source = Int32Array.from(applied, (a, i) => (a ? i : n + i));
  return tf.tidy(() => tf.gather(tf.concat([transformed, images], 0), tf.tensor1d(source, "int32")));
}

/** Flips each image left–right with probability `probability`. */
export function horizontalFlip(options: HorizontalFlipOptions = {}): ImageTransform {
  const fn = "horizontalFlip";
  const probability = checkProbability(fn, "options.probability", checkOptions(fn, options).probability ?? 0.5);
  const name = `horizontalFlip(probability = ${probability})`;
  return {
    name,
    apply(images: tf.Tensor4D, stream: Rng): tf.Tensor4D {
      checkImages(`${fn}.apply`, "images", images);
      const applied = drawApplied(stream, images.shape[0], probability);
      if (applied.every((a) => a === 0)) return tf.clone(images);
      if (applied.every((a) => a === 1)) return flipImages(images);
      return tf.tidy(() => selectPerImage(applied, flipImages(images), images));
    },
  };
}
