/**
 * Random rotation (lecture 000, "rotating"; lecture 002, "Rotate"): each image is turned about its center by an
 * angle θ drawn per image, uniformly in the range (degrees, positive = counterclockwise on screen), with bilinear
 * interpolation by default; the corners that come from outside the image are filled (`fillMode`, default zeros).
 * θ = 0 gives the image back unchanged. A special case of `randomAffine` (s = 1, t = 0).
 */
import { invalidArgument } from "../../errors";
import { checkOptions } from "./checks";
import { affineSettings, affineTransform, resamplingText, type ResamplingOptions } from "./random-affine";
import type { ImageTransform } from "./transform";

export interface RandomRotationOptions extends ResamplingOptions {
  /** Angle range in degrees: d ≥ 0 means [−d, d]; or [min, max]. */
  degrees: number | [number, number];
  /** Probability that an image is rotated at all, in [0, 1]. Default 1. */
  probability?: number;
}

/** Rotates each image by an angle drawn uniformly from `degrees`. */
export function randomRotation(options: RandomRotationOptions): ImageTransform {
  const fn = "randomRotation";
  const given = checkOptions(fn, options);
  if (given.degrees === undefined) invalidArgument(fn, "options.degrees", undefined, "d ≥ 0 or [min, max] (degrees)");
  const settings = affineSettings(fn, { ...given, scale: [1, 1], maxShift: 0 });
  return affineTransform(fn, `randomRotation(degrees = [${settings.degrees.join(", ")}], ${resamplingText(settings)})`, settings);
}
