/**
 * Random affine transform: zoom, rotation and translation in one resampling (lecture 000, "translating, rotating,
 * or scaling the input images"; lecture 004, "Zooming"). Per image, independently:
 *
 *   θ ~ U[θ_min, θ_max] (degrees, counterclockwise),   s ~ U[s_min, s_max],   t_rows, t_cols ~ U[−m, m]
 *
 * (whole pixels, uniform on {−m, …, m}, when `wholePixelShifts`), and the image is zoomed by s about its center,
 * rotated by θ about its center and shifted by t (resample.ts gives the map). Composing them into one map
 * interpolates once, so chaining `randomZoom`, `randomRotation` and `randomTranslation` blurs more than this does.
 *
 * Bilinear interpolation (the default) is a convex combination of input pixels and the fill value, so the output
 * stays within [min(x, fillValue), max(x, fillValue)] up to float32 rounding of the weights; nearest-neighbour
 * copies pixels. θ = 0, s = 1, t = 0 reads every pixel exactly, so those settings give the image back unchanged.
 */
import * as tf from "@tensorflow/tfjs";
import { checkNumber, checkOneOf, invalidArgument } from "../../errors";
import type { Rng } from "../../random";
import { checkBoolean, checkImages, checkInterval, checkOptions, checkProbability } from "./checks";
import { affineMap, FILL_MODES, IDENTITY_MAP, INTERPOLATIONS, resample, type FillMode, type Interpolation } from "./resample";
import { drawApplied, type ImageTransform } from "./transform";

/** How points outside the image are read and how pixels are interpolated (shared by the geometric transforms). */
export interface ResamplingOptions {
  /** `bilinear` (default) or `nearest`. */
  interpolation?: Interpolation;
  /** What lies outside the image: `constant` (default; `fillValue`), `reflect`, `wrap` or `nearest` (resample.ts). */
  fillMode?: FillMode;
  /** The value outside the image for `fillMode: "constant"`. Default 0 (black). */
  fillValue?: number;
}

/** A maximal shift in pixels: the same on both axes, or per axis. */
export type MaxShift = number | { rows: number; cols: number };

export interface RandomAffineOptions extends ResamplingOptions {
  /** Rotation range in degrees: d means [−d, d]; or [min, max]. Default 0 (no rotation). Positive is counterclockwise. */
  degrees?: number | [number, number];
  /** Zoom factor range [min, max], 0 < min ≤ max; s > 1 magnifies. Default [1, 1] (no zoom). */
  scale?: [number, number];
  /** Largest translation in pixels, m ≥ 0 (both axes) or { rows, cols }. Default 0. */
  maxShift?: MaxShift;
  /** Draw whole-pixel shifts (uniform on {−m, …, m}; m must then be an integer). Default true. */
  wholePixelShifts?: boolean;
  /** Probability that an image is transformed at all, in [0, 1]. Default 1. */
  probability?: number;
}

interface AffineSettings {
  degrees: [number, number];
  scale: [number, number];
  maxShift: { rows: number; cols: number };
  wholePixelShifts: boolean;
  probability: number;
  interpolation: Interpolation;
  fillMode: FillMode;
  fillValue: number;
}

/** Checks and completes the options of an affine transform, naming `fn` in errors. */
export function affineSettings(fn: string, options: RandomAffineOptions | undefined): AffineSettings {
  const given = checkOptions(fn, options);
  const degreesOption = given.degrees ?? 0;
  const degrees: [number, number] =
    typeof degreesOption === "number"
      ? [-checkNumber(fn, "options.degrees", degreesOption, 0), degreesOption]
      : checkInterval(fn, "options.degrees", degreesOption);
  const scale = checkInterval(fn, "options.scale", given.scale ?? [1, 1]);
  if (!(scale[0] > 0)) invalidArgument(fn, "options.scale", given.scale, "an interval [min, max] with 0 < min ≤ max");
  const shiftOption = given.maxShift ?? 0;
  const wholePixelShifts = checkBoolean(fn, "options.wholePixelShifts", given.wholePixelShifts ?? true);
  const checkShift = (name: string, value: unknown): number => {
    const shift = checkNumber(fn, name, value, 0);
    if (wholePixelShifts && !Number.isInteger(shift)) invalidArgument(fn, name, value, "an integer ≥ 0 (or set wholePixelShifts: false)");
    return shift;
  };
  let maxShift: { rows: number; cols: number };
  if (typeof shiftOption === "number") {
    const m = checkShift("options.maxShift", shiftOption);
    maxShift = { rows: m, cols: m };
  } else {
    if (shiftOption === null || typeof shiftOption !== "object") invalidArgument(fn, "options.maxShift", shiftOption, "a number ≥ 0 or { rows, cols }");
    maxShift = { rows: checkShift("options.maxShift.rows", shiftOption.rows), cols: checkShift("options.maxShift.cols", shiftOption.cols) };
  }
  return {
    degrees,
    scale,
    maxShift,
    wholePixelShifts,
    probability: checkProbability(fn, "options.probability", given.probability ?? 1),
    interpolation: checkOneOf(fn, "options.interpolation", given.interpolation ?? "bilinear", INTERPOLATIONS),
    fillMode: checkOneOf(fn, "options.fillMode", given.fillMode ?? "constant", FILL_MODES),
    fillValue: checkNumber(fn, "options.fillValue", given.fillValue ?? 0),
  };
}

/** A uniform shift in [−m, m], or on {−m, …, m} for whole pixels. */
function drawShift(stream: Rng, maxShift: number, wholePixels: boolean): number {
  if (maxShift === 0) return 0;
  return wholePixels ? stream.int(2 * maxShift + 1) - maxShift : stream.uniformIn(-maxShift, maxShift);
}

/** A uniform draw in [min, max] (exactly min when the interval is a point). */
function drawIn(stream: Rng, [min, max]: [number, number]): number {
  return min === max ? min : stream.uniformIn(min, max);
}

/** The transform for checked settings; `name` labels it. */
export function affineTransform(fn: string, name: string, settings: AffineSettings): ImageTransform {
  const { degrees, scale, maxShift, wholePixelShifts, probability, interpolation, fillMode, fillValue } = settings;
  return {
    name,
    apply(images: tf.Tensor4D, stream: Rng): tf.Tensor4D {
      checkImages(`${fn}.apply`, "images", images);
      const [n, height, width] = images.shape;
      const applied = drawApplied(stream, n, probability);
      const maps = new Float32Array(8 * n);
      for (let i = 0; i < n; i++) {
        const angle = (drawIn(stream, degrees) * Math.PI) / 180;
        const zoom = drawIn(stream, scale);
        const shiftRows = drawShift(stream, maxShift.rows, wholePixelShifts);
        const shiftCols = drawShift(stream, maxShift.cols, wholePixelShifts);
        maps.set(applied[i] ? affineMap({ angle, scale: zoom, shiftRows, shiftCols }, height, width) : IDENTITY_MAP, 8 * i);
      }
      return resample(images, maps, { interpolation, fillMode, fillValue });
    },
  };
}

/** Describes the resampling settings for a transform's name. */
export function resamplingText({ interpolation, fillMode, fillValue, probability }: AffineSettings): string {
  return `interpolation = ${interpolation}, fillMode = ${fillMode}${fillMode === "constant" ? `, fillValue = ${fillValue}` : ""}, probability = ${probability}`;
}

/** Zooms, rotates and shifts each image by amounts drawn per image, in one resampling. */
export function randomAffine(options: RandomAffineOptions = {}): ImageTransform {
  const fn = "randomAffine";
  const settings = affineSettings(fn, options);
  const { degrees, scale, maxShift } = settings;
  const name = `randomAffine(degrees = [${degrees.join(", ")}], scale = [${scale.join(", ")}], maxShift = ${JSON.stringify(maxShift)}, ${resamplingText(settings)})`;
  return affineTransform(fn, name, settings);
}
