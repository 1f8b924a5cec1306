/**
 * Gaussian pixel noise as an augmentation (lecture 000, "we may also consider the injection of input noise as
 * dataset augmentation"; lecture 002, "adding noise to the input: a special kind of augmentation"):
 *
 *   x̃ = clip(x + ε, min, max),   ε ~ N(0, σ²) independently per pixel and channel,
 *
 * drawn afresh at every call (a seed from the pipeline's stream for `tf.randomNormal`). Clipping to the value range
 * keeps x̃ a valid image; it also biases pixels near the bounds toward the inside (a black MNIST background can only
 * get brighter), so the noise is no longer zero-mean there. `valueRange: null` skips the clipping, which gives the
 * unbiased noise of the `GaussianInputNoise` layer (regularizers/noise) applied to the data instead of inside the model.
 */
import * as tf from "@tensorflow/tfjs";
import { checkNumber } from "../../errors";
import type { Rng } from "../../random";
import { checkImages, checkOptions, checkProbability, checkValueRange, type ValueRange } from "./checks";
import { drawApplied, type ImageTransform } from "./transform";

export interface GaussianPixelNoiseOptions {
  /** Standard deviation σ ≥ 0 of the noise, in pixel units. */
  std: number;
  /** Range the result is clipped to, [min, max]; `null` for no clipping. Default [0, 1]. */
  valueRange?: ValueRange | null;
  /** Probability that an image gets noise at all, in [0, 1]. Default 1. */
  probability?: number;
}

/** Adds N(0, σ²) noise to every pixel (of a fraction `probability` of the images) and clips to the value range. */
export function gaussianPixelNoise(options: GaussianPixelNoiseOptions): ImageTransform {
  const fn = "gaussianPixelNoise";
  const given = checkOptions(fn, options);
  const std = checkNumber(fn, "options.std", given.std, 0);
  const valueRange = checkValueRange(fn, "options.valueRange", given.valueRange === undefined ? [0, 1] : given.valueRange);
  const probability = checkProbability(fn, "options.probability", given.probability ?? 1);
  const name = `gaussianPixelNoise(std = ${std}, valueRange = ${valueRange ? `[${valueRange.join(", ")}]` : "null"}, probability = ${probability})`;
  return {
    name,
    apply(images: tf.Tensor4D, stream: Rng): tf.Tensor4D {
      checkImages(`${fn}.apply`, "images", images);
      const n = images.shape[0];
      const applied = drawApplied(stream, n, probability);
      const noiseSeed = stream.nextSeed();
      return tf.tidy(() => {
        let noise: tf.Tensor = tf.randomNormal(images.shape, 0, std, "float32", noiseSeed);
        if (!applied.every((a) => a === 1)) noise = tf.mul(noise, tf.tensor4d(Float32Array.from(applied), [n, 1, 1, 1]));
        const noisy = tf.add(images, noise);
        return (valueRange ? tf.clipByValue(noisy, valueRange[0], valueRange[1]) : noisy) as tf.Tensor4D;
      });
    },
  };
}
