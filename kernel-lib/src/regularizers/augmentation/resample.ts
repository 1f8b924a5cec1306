/**
 * Geometric resampling of a batch by per-image projective maps, on `tf.image.transform` (TensorFlow's
 * ImageProjectiveTransform). For each output pixel at column x, row y (pixel centers at integer coordinates), the
 * map [a0, a1, a2, b0, b1, b2, c0, c1] gives the INPUT point it reads,
 *
 *   x_in = (a0·x + a1·y + a2) / k,   y_in = (b0·x + b1·y + b2) / k,   k = c0·x + c1·y + 1,
 *
 * by bilinear or nearest-neighbour interpolation; points outside the image are filled by `fillMode`:
 * `constant` (fillValue), `reflect` (d c b a | a b c d | d c b a: the edge pixel repeats, numpy's "symmetric"),
 * `wrap` (a b c d | a b c d), `nearest` (a a a | a b c d | d d d).
 *
 * tfjs 4.22's cpu backend resamples only the first image of a batch (its Transform kernel returns inside the batch
 * loop and leaves the other images at the fill value); on that backend we resample one image at a time.
 * The wasm backend (and tfjs-node) do the whole batch in one call.
 */
import * as tf from "@tensorflow/tfjs";

export type Interpolation = "bilinear" | "nearest";
export type FillMode = "constant" | "reflect" | "wrap" | "nearest";
export const INTERPOLATIONS: readonly Interpolation[] = ["bilinear", "nearest"];
export const FILL_MODES: readonly FillMode[] = ["constant", "reflect", "wrap", "nearest"];

export interface ResampleOptions {
  interpolation: Interpolation;
  fillMode: FillMode;
  fillValue: number;
  /** Output [height, width]; default the input's. */
  outputSize?: [number, number];
}

/** The map that reads every output pixel from the same input pixel. */
export const IDENTITY_MAP: readonly number[] = [1, 0, 0, 0, 1, 0, 0, 0];

/**
 * Resamples image i of `images` ([N, H, W, C]) by the map `maps[8i .. 8i + 7]` and returns the new batch
 * ([N, outH, outW, C]); the caller disposes it.
 */
export function resample(images: tf.Tensor4D, maps: Float32Array, options: ResampleOptions): tf.Tensor4D {
  const n = images.shape[0];
  const { interpolation, fillMode, fillValue, outputSize } = options;
  return tf.tidy(() => {
    if (tf.getBackend() !== "cpu" || n === 1) {
      return tf.image.transform(images, tf.tensor2d(maps, [n, 8]), interpolation, fillMode, fillValue, outputSize);
    }
    const parts = tf
      .split(images, n, 0)
      .map((image, i) =>
        tf.image.transform(image as tf.Tensor4D, tf.tensor2d(maps.subarray(8 * i, 8 * i + 8), [1, 8]), interpolation, fillMode, fillValue, outputSize),
      );
    return tf.concat(parts, 0);
  });
}

/** Parameters of one affine map, in the order applied to the image: zoom, then rotation, then translation. */
export interface AffineParameters {
  /** Counterclockwise rotation in radians (as the image is displayed, rows going down). */
  angle: number;
  /** Zoom factor s > 0 about the image center: s > 1 magnifies, s < 1 shrinks (and fills the border). */
  scale: number;
  /** Translation in pixels: positive moves the content down. */
  shiftRows: number;
  /** Translation in pixels: positive moves the content right. */
  shiftCols: number;
}

/**
 * The inverse map of "zoom by s about the center c, rotate by θ counterclockwise about c, then shift by t", as
 * `tf.image.transform` wants it (output point → input point):
 *
 *   q = c + M (p − t − c),   M = (1/s) [[cos θ, −sin θ], [sin θ, cos θ]],   c = ((W − 1)/2, (H − 1)/2),
 *
 * in (column, row) coordinates. With rows pointing down, M with θ > 0 turns the content counterclockwise on screen.
 * θ = 0, s = 1, t = 0 gives exactly [1, 0, 0, 0, 1, 0, 0, 0]; integer shifts give integer offsets, so a pure
 * whole-pixel translation reads input pixels exactly.
 */
export function affineMap({ angle, scale, shiftRows, shiftCols }: AffineParameters, height: number, width: number): number[] {
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const px = cx + shiftCols;
  const py = cy + shiftRows;
  return [cos, -sin, cx - (cos * px - sin * py), sin, cos, cy - (sin * px + cos * py), 0, 0];
}
