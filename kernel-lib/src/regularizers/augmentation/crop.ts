/**
 * Padding and cropping, shared by `randomCrop` and the fixed crops of test-time augmentation (`cropView`).
 *
 * Padding by P pixels on each side of the height and width axes, three ways (tfjs `pad` and `mirrorPad`):
 * - `zero`:      0 0 | a b c d | 0 0
 * - `reflect`:   c b | a b c d | c b   (mirror about the edge pixel, which is not repeated; needs P ≤ side − 1)
 * - `symmetric`: b a | a b c d | d c   (mirror including the edge pixel; needs P ≤ side)
 *
 * A crop takes the h × w window at (top, left) of each image, all images of a batch in one resampling call with
 * whole-pixel offsets and nearest-neighbour reads, so the values are copied exactly. (tfjs 4.22's wasm
 * `cropAndResize` with method "nearest" reads the wrong column, so it is not used.)
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../../errors";
import { shapeText } from "./checks";
import { resample } from "./resample";

export type PaddingMode = "zero" | "reflect" | "symmetric";
export const PADDING_MODES: readonly PaddingMode[] = ["zero", "reflect", "symmetric"];

/** The largest padding `mode` allows on a side of `side` pixels. */
export function maxPadding(mode: PaddingMode, side: number): number {
  return mode === "reflect" ? side - 1 : mode === "symmetric" ? side : Infinity;
}

/** Pads height and width of `images` ([N, H, W, C]) by `padding` pixels on each side (a new tensor). */
export function padImages(fn: string, images: tf.Tensor4D, padding: number, mode: PaddingMode): tf.Tensor4D {
  const [, height, width] = images.shape;
  const limit = maxPadding(mode, Math.min(height, width));
  if (padding > limit) {
    invalidArgument(fn, "options.padding", padding, `at most ${limit} for paddingMode "${mode}" on images of shape ${shapeText(images.shape)}`);
  }
  if (padding === 0) return tf.clone(images);
  const widths: [number, number][] = [
    [0, 0],
    [padding, padding],
    [padding, padding],
    [0, 0],
  ];
  return mode === "zero" ? tf.pad(images, widths) : tf.mirrorPad(images, widths, mode);
}

/**
 * Image i of the result is the `size` = [h, w] window of image i of `images` whose top-left corner is
 * (tops[i], lefts[i]) (whole pixels, inside the image). A new tensor [N, h, w, C].
 */
export function cropImages(images: tf.Tensor4D, tops: ArrayLike<number>, lefts: ArrayLike<number>, size: [number, number]): tf.Tensor4D {
  const n = images.shape[0];
  const maps = new Float32Array(8 * n);
  for (let i = 0; i < n; i++) maps.set([1, 0, lefts[i]!, 0, 1, tops[i]!, 0, 0], 8 * i);
  return resample(images, maps, { interpolation: "nearest", fillMode: "constant", fillValue: 0, outputSize: size });
}

/** Checks that a crop of `size` fits in padded images of [height, width] and returns the room left [rows, cols]. */
export function cropRoom(fn: string, size: [number, number], paddedHeight: number, paddedWidth: number, padding: number): [number, number] {
  if (size[0] > paddedHeight || size[1] > paddedWidth) {
    const padded = padding > 0 ? ` after padding by ${padding} on each side` : "";
    invalidArgument(fn, "options.size", size, `at most the image size [${paddedHeight}, ${paddedWidth}]${padded} (a crop cannot be larger than the image)`);
  }
  return [paddedHeight - size[0], paddedWidth - size[1]];
}
