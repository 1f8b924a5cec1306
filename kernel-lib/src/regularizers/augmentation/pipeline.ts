/**
 * A composable, seeded augmentation pipeline: `augmentation([t1, t2, ...], { seed })` returns an object whose
 * `apply(images)` runs the transforms in order on a batch and returns a new batch (the caller disposes it; the
 * input is left alone and nothing else stays allocated). Every call draws fresh randomness, per image, so the same
 * training example looks different each time it is seen (Krizhevsky et al. 2012: the transformed images are made on
 * the fly and never stored); the same seed repeats the whole sequence of batches.
 *
 * Each transform has its own stream, seeded from the pipeline's seed at construction (and by `reset`), so changing
 * one transform's options does not change the draws of the others.
 *
 * Images are [N, H, W, C]. Data kept flat for an MLP ([N, H·W·C], e.g. MNIST's [N, 784]) works with
 * `imageShape: [H, W, C]`: `apply` then reshapes to images, augments and returns the input's shape.
 *
 * In a training loop: `const xb2 = pipe.apply(xb)` before the step and `xb2.dispose()` after it, or
 * `fitAugmented(model, x, y, pipe, options)` with kernel-lib's `fit`.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, invalidArgument } from "../../errors";
import { nextSeed, Rng } from "../../random";
import { checkImages, shapeText } from "./checks";
import type { ImageTransform } from "./transform";

export interface AugmentationOptions {
  /** Seed of the pipeline's randomness. Default: drawn from kernel-lib's global stream (`seed(n)` makes it reproducible). */
  seed?: number;
  /** [H, W, C] of each image when the data is given flat, [N, H·W·C] (or any [N, ...] with H·W·C values per example). */
  imageShape?: [number, number, number];
}

/** Checks an [H, W, C] image shape. */
export function checkImageShape(fn: string, name: string, value: unknown): [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3) invalidArgument(fn, name, value, "[height, width, channels], three integers ≥ 1");
  return [checkInteger(fn, `${name}[0]`, value[0], 1), checkInteger(fn, `${name}[1]`, value[1], 1), checkInteger(fn, `${name}[2]`, value[2], 1)];
}

/**
 * `x` as an image batch [N, H, W, C]: itself when it is rank 4 and no `imageShape` is given, else reshaped to
 * [N, ...imageShape] (a view that shares the data; dispose it inside a tidy or by hand).
 */
export function asImages(fn: string, name: string, x: unknown, imageShape: [number, number, number] | undefined): tf.Tensor4D {
  if (imageShape === undefined) return checkImages(fn, name, x);
  if (!(x instanceof tf.Tensor)) invalidArgument(fn, name, x, `a float32 tf.Tensor [N, ...] with ${imageShape.join("·")} values per example`);
  if (x.isDisposed) invalidArgument(fn, name, "a disposed tensor", "a live tf.Tensor");
  const perExample = imageShape[0] * imageShape[1] * imageShape[2];
  if (x.rank < 2 || (x.shape as number[]).slice(1).reduce((a, b) => a * b, 1) !== perExample) {
    invalidArgument(fn, `${name}.shape`, x.shape, `[N, ...] with ${perExample} values per example (imageShape ${shapeText(imageShape)})`);
  }
  return checkImages(fn, name, tf.reshape(x, [x.shape[0]!, ...imageShape]));
}

/** A seeded sequence of random image transforms. */
export class Augmentation {
  /** The seed the streams were last started from. */
  seed: number;
  readonly transforms: readonly ImageTransform[];
  readonly imageShape: [number, number, number] | undefined;
  private streams: Rng[] = [];

  constructor(transforms: readonly ImageTransform[], options: AugmentationOptions = {}) {
    const fn = "augmentation";
    if (!Array.isArray(transforms)) invalidArgument(fn, "transforms", transforms, "an array of image transforms (horizontalFlip(), randomCrop(), ...)");
    transforms.forEach((t, i) => {
      if (t === null || typeof t !== "object" || typeof t.apply !== "function") {
        invalidArgument(fn, `transforms[${i}]`, t, "an image transform (horizontalFlip(), randomCrop(), ...)");
      }
    });
    if (options === null || typeof options !== "object") invalidArgument(fn, "options", options, "an options object { seed?, imageShape? }");
    this.transforms = transforms.slice();
    this.imageShape = options.imageShape === undefined ? undefined : checkImageShape(fn, "options.imageShape", options.imageShape);
    this.seed = options.seed === undefined ? nextSeed() : checkInteger(fn, "options.seed", options.seed);
    this.reset(this.seed);
  }

  /** Restarts every transform's stream from `seed` (default: the pipeline's own), to repeat a sequence of batches. */
  reset(seed: number = this.seed): void {
    this.seed = checkInteger("Augmentation.reset", "seed", seed);
    const master = new Rng(seed);
    this.streams = this.transforms.map(() => new Rng(master.nextSeed()));
  }

  /**
   * Runs the transforms in order on `images` ([N, H, W, C], or flat with `imageShape`) and returns a new tensor of
   * the input's shape (unless a transform changes the size, e.g. `randomCrop({ size })`), which the caller disposes.
   * An arrow function, so `pipe.apply` can be passed around on its own.
   */
  readonly apply = (images: tf.Tensor): tf.Tensor => {
    const fn = "augmentation.apply";
    return tf.tidy(() => {
      const batch = asImages(fn, "images", images, this.imageShape);
      let out: tf.Tensor4D = batch;
      this.transforms.forEach((t, i) => (out = t.apply(out, this.streams[i]!)));
      const sameSize = out.shape.slice(1).every((d, i) => d === batch.shape[i + 1]);
      if (this.imageShape !== undefined && sameSize) return tf.reshape(out, images.shape);
      return out === images ? tf.clone(out) : out;
    });
  };

  /** The transforms' names, one per line. */
  describe(): string {
    return this.transforms.map((t) => t.name).join("\n");
  }
}

/** A seeded pipeline of random image transforms (see `Augmentation`). */
export function augmentation(transforms: readonly ImageTransform[], options: AugmentationOptions = {}): Augmentation {
  return new Augmentation(transforms, options);
}
