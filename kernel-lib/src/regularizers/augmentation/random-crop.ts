/**
 * Random crop with padding (lectures 002 and 004, "Crop"; Krizhevsky et al. 2012, §4.1: random 224 × 224 patches of
 * the 256 × 256 images; the CIFAR recipe of He et al. 2016, §4.2: pad 4 pixels on each side, take a random 32 × 32
 * crop). Each image is padded by P pixels on every side (zero, reflect or symmetric: see crop.ts) and the window
 * of `size` = [h, w] (default: the image's own size) is taken at a top-left corner drawn uniformly from the
 * (H + 2P − h + 1) × (W + 2P − w + 1) possible positions, independently per image. With the default size this is
 * a random whole-pixel translation by up to ±P; P = 0 and the default size give the image back unchanged.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkOneOf } from "../../errors";
import type { Rng } from "../../random";
import { checkImages, checkOptions, checkSize } from "./checks";
import { cropImages, cropRoom, padImages, PADDING_MODES, type PaddingMode } from "./crop";
import type { ImageTransform } from "./transform";

export interface RandomCropOptions {
  /** Pixels P ≥ 0 added on each side of height and width before cropping. Default 0. */
  padding?: number;
  /** How the padding is filled: `zero` (default), `reflect` or `symmetric`. */
  paddingMode?: PaddingMode;
  /** Output [height, width]; default the input's height and width. At most the padded image size. */
  size?: [number, number];
}

/** Pads each image by `padding` pixels and takes a window of `size` at a uniformly random position. */
export function randomCrop(options: RandomCropOptions = {}): ImageTransform {
  const fn = "randomCrop";
  const given = checkOptions(fn, options);
  const padding = checkInteger(fn, "options.padding", given.padding ?? 0, 0);
  const paddingMode = checkOneOf(fn, "options.paddingMode", given.paddingMode ?? "zero", PADDING_MODES);
  const fixedSize = given.size === undefined ? null : checkSize(fn, "options.size", given.size);
  const name = `randomCrop(padding = ${padding}, paddingMode = ${paddingMode}${fixedSize ? `, size = [${fixedSize.join(", ")}]` : ""})`;
  return {
    name,
    apply(images: tf.Tensor4D, stream: Rng): tf.Tensor4D {
      checkImages(`${fn}.apply`, "images", images);
      const [n, height, width] = images.shape;
      const size = fixedSize ?? [height, width];
      const [roomRows, roomCols] = cropRoom(`${fn}.apply`, size, height + 2 * padding, width + 2 * padding, padding);
      const tops = new Int32Array(n);
      const lefts = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        tops[i] = stream.int(roomRows + 1);
        lefts[i] = stream.int(roomCols + 1);
      }
      return tf.tidy(() => cropImages(padImages(`${fn}.apply`, images, padding, paddingMode), tops, lefts, size));
    },
  };
}
