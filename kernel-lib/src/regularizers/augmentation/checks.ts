/**
 * Argument checks shared by the augmentations: image batches, probabilities, ranges, the value range to clip to.
 * Every error names the function, the argument, its value and what was expected (errors.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkNumber, describeValue, invalidArgument } from "../../errors";

/** A closed interval [min, max] of pixel values, e.g. [0, 1] for MNIST or [0, 255] for 8-bit images. */
export type ValueRange = readonly [number, number];

/** Checks that `images` is a live float32 batch of shape [N, H, W, C] with N, H, W, C ≥ 1. */
export function checkImages(fn: string, name: string, images: unknown): tf.Tensor4D {
  if (!(images instanceof tf.Tensor)) invalidArgument(fn, name, images, "a float32 tf.Tensor4D of shape [N, H, W, C]");
  if (images.isDisposed) invalidArgument(fn, name, "a disposed tensor", "a live tf.Tensor4D");
  if (images.rank !== 4) invalidArgument(fn, `${name}.shape`, images.shape, "rank 4 [N, H, W, C] (batch, height, width, channels)");
  if (images.dtype !== "float32") invalidArgument(fn, `${name}.dtype`, images.dtype, '"float32" (cast with tf.cast(images, "float32"))');
  if ((images.shape as number[]).some((d) => d < 1)) invalidArgument(fn, `${name}.shape`, images.shape, "every dimension ≥ 1");
  return images as tf.Tensor4D;
}

/** Checks a probability in [0, 1]. */
export function checkProbability(fn: string, name: string, value: unknown): number {
  return checkNumber(fn, name, value, 0, 1);
}

/** Checks a boolean option. */
export function checkBoolean(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== "boolean") invalidArgument(fn, name, value, "true or false");
  return value;
}

/** Checks an interval [min, max] of finite numbers with min ≤ max (and both in [lower, upper]). */
export function checkInterval(fn: string, name: string, value: unknown, lower = -Infinity, upper = Infinity): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) invalidArgument(fn, name, value, "an interval [min, max] of two numbers");
  const [min, max] = value as unknown[];
  checkNumber(fn, `${name}[0]`, min, lower, upper);
  checkNumber(fn, `${name}[1]`, max, lower, upper);
  if ((max as number) < (min as number)) invalidArgument(fn, name, value, "min ≤ max");
  return [min as number, max as number];
}

/** Checks the value range to clip to: `null` (no clipping) or [min, max] with min < max. */
export function checkValueRange(fn: string, name: string, value: unknown): ValueRange | null {
  if (value === null) return null;
  const [min, max] = checkInterval(fn, name, value);
  if (!(min < max)) invalidArgument(fn, name, value, "an interval [min, max] with min < max, or null for no clipping");
  return [min, max];
}

/** Checks an output size [height, width] of positive integers. */
export function checkSize(fn: string, name: string, value: unknown): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) invalidArgument(fn, name, value, "[height, width], two integers ≥ 1");
  return [checkInteger(fn, `${name}[0]`, value[0], 1), checkInteger(fn, `${name}[1]`, value[1], 1)];
}

/** Checks that `options` is an object (or absent) and returns it. */
export function checkOptions<T extends object>(fn: string, options: T | undefined): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) invalidArgument(fn, "options", options, "an options object");
  return options;
}

/** Formats a shape for error messages. */
export function shapeText(shape: readonly number[]): string {
  return describeValue(Array.from(shape));
}
