/**
 * AlexNet's color augmentation, "color PCA" (lecture 004; Krizhevsky, Sutskever & Hinton 2012, §4.1, second form):
 * the training set's RGB values are decomposed once,
 *
 *   C = (1/P) Σ_pixels (x − μ)(x − μ)ᵀ = Σ_k λ_k p_k p_kᵀ   (3 × 3 over all P pixels of all training images),
 *
 * and to every pixel of image n the same vector is added,
 *
 *   δ_n = [p_1 p_2 p_3] [α_1 s_1, α_2 s_2, α_3 s_3]ᵀ,   α_k ~ N(0, σ²) drawn once per image (σ = 0.1 in the paper),
 *
 * which changes the intensity and color of the lighting along the directions in which natural colors vary, and
 * leaves the label alone. The paper writes s_k = λ_k (the eigenvalue, `axisScale: "eigenvalue"`, the default here).
 * An eigenvalue is a variance, so that shift depends on the pixel units: λ on [0, 255] pixels is 255² times λ on
 * [0, 1] pixels, and the same σ = 0.1 gives shifts of hundreds of gray levels in one scale and a fraction of a
 * gray level in the other. `axisScale: "stddev"` uses s_k = √λ_k instead (what most re-implementations, e.g.
 * fb.resnet.torch's "lighting", actually do): the shift along p_k is then α_k/σ standard deviations of the data's
 * color spread times σ, whatever the units.
 *
 * Size of the shift: the p_k are orthonormal, so ‖δ_n‖² = Σ_k α_k² s_k², with E‖δ_n‖² = σ² Σ_k s_k², and every
 * channel's shift, hence the shift of that channel's image mean, is at most ‖δ_n‖ ≤ σ·max_k s_k·‖z‖ with z ~ N(0, I₃)
 * (‖z‖² is χ² with 3 degrees of freedom). Clipping to the value range (default [0, 1]) only moves values back toward
 * the range, so it never makes a pixel's change, or the mean shift, larger.
 *
 * The fit reuses the principal components of kernel-lib's scalers (population covariance in float64, eigenvectors
 * oriented so that their largest entry is positive) on the [P, C] matrix of pixels. It reads all pixels into
 * JavaScript, 3 float64 numbers per pixel: fit on a few thousand images, not on a whole large data set.
 */
import * as tf from "@tensorflow/tfjs";
import { checkNumber, checkOneOf, invalidArgument } from "../../errors";
import { principalComponents } from "../../normalizers/scalers/principal-components";
import type { Rng } from "../../random";
import { checkImages, checkOptions, checkProbability, checkValueRange, type ValueRange } from "./checks";
import { drawApplied, type ImageTransform } from "./transform";

/** The color statistics of a training set. */
export interface ColorPcaFit {
  /** Number of channels C (3 for RGB). */
  channels: number;
  /** Mean color μ over all pixels, length C. */
  mean: Float64Array;
  /** Eigenvalues λ_1 ≥ … ≥ λ_C of the pixel covariance (pixel units squared), length C. */
  eigenvalues: Float64Array;
  /** C × C row-major: row k is the unit eigenvector p_k of λ_k. */
  eigenvectors: Float64Array;
}

/** Which multiple of α_k moves the color along p_k: λ_k (the paper) or √λ_k (unit-free). */
export type ColorPcaAxisScale = "eigenvalue" | "stddev";
export const COLOR_PCA_AXIS_SCALES: readonly ColorPcaAxisScale[] = ["eigenvalue", "stddev"];

/**
 * Eigendecomposition of the channel covariance over every pixel of `images` ([N, H, W, C], float32, finite,
 * at least 2 pixels): fit once on the training images, then pass to `colorPca`.
 */
export function fitColorPca(images: tf.Tensor4D): ColorPcaFit {
  const fn = "fitColorPca";
  const batch = checkImages(fn, "images", images);
  const [n, height, width, channels] = batch.shape;
  if (n * height * width < 2) invalidArgument(fn, "images.shape", batch.shape, "at least 2 pixels in all");
  const pixels = tf.reshape(batch, [n * height * width, channels]);
  try {
    const { mean, eigenvalues, components } = principalComponents(pixels);
    return { channels, mean, eigenvalues, eigenvectors: components };
  } finally {
    pixels.dispose();
  }
}

/** The per-axis multipliers s_k: λ_k or √λ_k. */
export function colorPcaAxisScales(fit: ColorPcaFit, axisScale: ColorPcaAxisScale): Float64Array {
  return fit.eigenvalues.map((lambda) => (axisScale === "eigenvalue" ? lambda : Math.sqrt(lambda)));
}

/** The color shift of one image, δ = Σ_k α_k s_k p_k (length C), for the draws `alphas` (length C). */
export function colorPcaShift(fit: ColorPcaFit, alphas: ArrayLike<number>, axisScales: ArrayLike<number>): Float64Array {
  const c = fit.channels;
  const shift = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    const weight = alphas[k]! * axisScales[k]!;
    for (let j = 0; j < c; j++) shift[j]! += weight * fit.eigenvectors[k * c + j]!;
  }
  return shift;
}

export interface ColorPcaOptions {
  /** The training set's color statistics, from `fitColorPca`. */
  fit: ColorPcaFit;
  /** Standard deviation σ ≥ 0 of the per-image α_k. Default 0.1 (the paper). */
  std?: number;
  /** `eigenvalue` (s_k = λ_k, the paper; default) or `stddev` (s_k = √λ_k). */
  axisScale?: ColorPcaAxisScale;
  /** Range the result is clipped to, [min, max]; `null` for no clipping. Default [0, 1]. */
  valueRange?: ValueRange | null;
  /** Probability that an image gets a color shift at all, in [0, 1]. Default 1. */
  probability?: number;
}

/** Checks a `ColorPcaFit`-shaped object. */
function checkFit(fn: string, fit: unknown): ColorPcaFit {
  const expected = "the result of fitColorPca(images)";
  if (fit === null || typeof fit !== "object") invalidArgument(fn, "options.fit", fit, expected);
  const { channels, mean, eigenvalues, eigenvectors } = fit as Partial<ColorPcaFit>;
  if (typeof channels !== "number" || !Number.isInteger(channels) || channels < 1) invalidArgument(fn, "options.fit.channels", channels, "an integer ≥ 1");
  const lengths: [string, ArrayLike<number> | undefined, number][] = [
    ["mean", mean, channels],
    ["eigenvalues", eigenvalues, channels],
    ["eigenvectors", eigenvectors, channels * channels],
  ];
  for (const [name, values, length] of lengths) {
    if (values === undefined || values.length !== length) invalidArgument(fn, `options.fit.${name}`, values, `${length} numbers (${expected})`);
  }
  return fit as ColorPcaFit;
}

/** Adds a per-image color shift along the training set's principal color axes (AlexNet's color PCA). */
export function colorPca(options: ColorPcaOptions): ImageTransform {
  const fn = "colorPca";
  const given = checkOptions(fn, options);
  const fit = checkFit(fn, given.fit);
  const std = checkNumber(fn, "options.std", given.std ?? 0.1, 0);
  const axisScale = checkOneOf(fn, "options.axisScale", given.axisScale ?? "eigenvalue", COLOR_PCA_AXIS_SCALES);
  const valueRange = checkValueRange(fn, "options.valueRange", given.valueRange === undefined ? [0, 1] : given.valueRange);
  const probability = checkProbability(fn, "options.probability", given.probability ?? 1);
  const axisScales = colorPcaAxisScales(fit, axisScale);
  const c = fit.channels;
  const name = `colorPca(std = ${std}, axisScale = ${axisScale}, valueRange = ${valueRange ? `[${valueRange.join(", ")}]` : "null"}, probability = ${probability})`;
  return {
    name,
    apply(images: tf.Tensor4D, stream: Rng): tf.Tensor4D {
      checkImages(`${fn}.apply`, "images", images);
      const n = images.shape[0];
      if (images.shape[3] !== c) invalidArgument(`${fn}.apply`, "images.shape", images.shape, `${c} channels, as in the images the fit was made on`);
      const applied = drawApplied(stream, n, probability);
      const shifts = new Float32Array(n * c);
      const alphas = new Float64Array(c);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < c; k++) alphas[k] = stream.normal(0, std);
        if (applied[i]) shifts.set(colorPcaShift(fit, alphas, axisScales), i * c);
      }
      return tf.tidy(() => {
        const shifted = tf.add(images, tf.tensor4d(shifts, [n, 1, 1, c]));
        return (valueRange ? tf.clipByValue(shifted, valueRange[0], valueRange[1]) : shifted) as tf.Tensor4D;
      });
    },
  };
}
