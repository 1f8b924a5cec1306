/**
 * Random zoom (lecture 000, "scaling"; lecture 004, "Zooming"): each image is scaled about its center by a factor s
 * drawn per image, uniformly in [min, max]: s > 1 magnifies (the border falls outside and is lost), s < 1 shrinks
 * (the uncovered border is filled, default zeros). The output keeps the input's size; s = 1 gives the image back
 * unchanged. A special case of `randomAffine` (θ = 0, t = 0).
 */
import { invalidArgument } from "../../errors";
import { checkOptions } from "./checks";
import { affineSettings, affineTransform, resamplingText, type ResamplingOptions } from "./random-affine";
import type { ImageTransform } from "./transform";

export interface RandomZoomOptions extends ResamplingOptions {
  /** Zoom factor range [min, max], 0 < min ≤ max. */
  scale: [number, number];
  /** Probability that an image is zoomed at all, in [0, 1]. Default 1. */
  probability?: number;
}

/** Zooms each image about its center by a factor drawn uniformly from `scale`. */
export function randomZoom(options: RandomZoomOptions): ImageTransform {
  const fn = "randomZoom";
  const given = checkOptions(fn, options);
  if (given.scale === undefined) invalidArgument(fn, "options.scale", undefined, "an interval [min, max] with 0 < min ≤ max");
  const settings = affineSettings(fn, { ...given, degrees: 0, maxShift: 0 });
  return affineTransform(fn, `randomZoom(scale = [${settings.scale.join(", ")}], ${resamplingText(settings)})`, settings);
}
