/**
 * Random translation (lecture 000, "translating ... the input images"): each image is shifted by t_rows, t_cols
 * drawn per image, uniformly on {−m, …, m} whole pixels (default) or in [−m, m], and the uncovered border is filled
 * (`fillMode`, default zeros). Whole-pixel shifts copy pixels exactly; m = 0 gives the image back unchanged.
 * A special case of `randomAffine` (θ = 0, s = 1).
 */
import { invalidArgument } from "../../errors";
import { checkOptions } from "./checks";
import { affineSettings, affineTransform, resamplingText, type MaxShift, type ResamplingOptions } from "./random-affine";
import type { ImageTransform } from "./transform";

export interface RandomTranslationOptions extends ResamplingOptions {
  /** Largest shift in pixels, m ≥ 0 (both axes) or { rows, cols }. */
  maxShift: MaxShift;
  /** Draw whole-pixel shifts (m must then be an integer). Default true. */
  wholePixelShifts?: boolean;
  /** Probability that an image is shifted at all, in [0, 1]. Default 1. */
  probability?: number;
}

/** Shifts each image by up to `maxShift` pixels along each axis. */
export function randomTranslation(options: RandomTranslationOptions): ImageTransform {
  const fn = "randomTranslation";
  const given = checkOptions(fn, options);
  if (given.maxShift === undefined) invalidArgument(fn, "options.maxShift", undefined, "a number ≥ 0 or { rows, cols } (pixels)");
  const settings = affineSettings(fn, { ...given, degrees: 0, scale: [1, 1] });
  return affineTransform(fn, `randomTranslation(maxShift = ${JSON.stringify(settings.maxShift)}, ${resamplingText(settings)})`, settings);
}
