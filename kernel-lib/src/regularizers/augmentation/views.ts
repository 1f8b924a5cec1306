/**
 * Deterministic views of an image batch for test-time augmentation (lecture 004, "During testing": "when cropping
 * was used during training, need to again apply crops to get same image size"; "beneficial to also apply flipping
 * during test"). Krizhevsky et al. 2012, §4.1: at test time the network sees the four corner and the center
 * 224 × 224 patches and their horizontal reflections (ten views) and its softmax outputs are averaged.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkOneOf, invalidArgument } from "../../errors";
import { checkImages, checkOptions, checkSize } from "./checks";
import { cropImages, cropRoom, padImages, PADDING_MODES, type PaddingMode } from "./crop";
import { flipImages } from "./horizontal-flip";
import type { ImageView } from "./transform";

/** The images as they are. */
export function identityView(): ImageView {
  return { name: "identity", apply: (images) => tf.clone(checkImages("identityView.apply", "images", images)) };
}

/** The images mirrored left–right. */
export function horizontalFlipView(): ImageView {
  return { name: "horizontalFlip", apply: (images) => flipImages(checkImages("horizontalFlipView.apply", "images", images)) };
}

/** Where a fixed crop sits in the padded image. */
export type CropPosition = "center" | "top-left" | "top-right" | "bottom-left" | "bottom-right" | { top: number; left: number };
const NAMED_POSITIONS = ["center", "top-left", "top-right", "bottom-left", "bottom-right"] as const;

export interface CropViewOptions {
  /** Where the window sits: a corner, the center (rounded down to whole pixels), or { top, left } in the padded image. Default "center". */
  position?: CropPosition;
  /** Output [height, width]; default the input's. */
  size?: [number, number];
  /** Pixels added on each side before cropping. Default 0. */
  padding?: number;
  /** `zero` (default), `reflect` or `symmetric` (crop.ts). */
  paddingMode?: PaddingMode;
}

/** The `size` window of each (padded) image at a fixed position. */
export function cropView(options: CropViewOptions = {}): ImageView {
  const fn = "cropView";
  const given = checkOptions(fn, options);
  const padding = checkInteger(fn, "options.padding", given.padding ?? 0, 0);
  const paddingMode = checkOneOf(fn, "options.paddingMode", given.paddingMode ?? "zero", PADDING_MODES);
  const fixedSize = given.size === undefined ? null : checkSize(fn, "options.size", given.size);
  const position = given.position ?? "center";
  if (typeof position === "string") checkOneOf(fn, "options.position", position, NAMED_POSITIONS);
  else if (position === null || typeof position !== "object")
    invalidArgument(fn, "options.position", position, `one of ${NAMED_POSITIONS.join(", ")} or { top, left }`);
  else {
    checkInteger(fn, "options.position.top", position.top, 0);
    checkInteger(fn, "options.position.left", position.left, 0);
  }
  const where = typeof position === "string" ? position : `(${position.top}, ${position.left})`;
  return {
    name: `crop(${where}${fixedSize ? `, size = [${fixedSize.join(", ")}]` : ""}${padding ? `, padding = ${padding} ${paddingMode}` : ""})`,
    apply(images: tf.Tensor4D): tf.Tensor4D {
      checkImages(`${fn}.apply`, "images", images);
      const [n, height, width] = images.shape;
      const size = fixedSize ?? [height, width];
      const [roomRows, roomCols] = cropRoom(`${fn}.apply`, size, height + 2 * padding, width + 2 * padding, padding);
      let top: number;
      let left: number;
      if (typeof position === "object") {
        [top, left] = [position.top, position.left];
        if (top > roomRows || left > roomCols) {
          invalidArgument(
            `${fn}.apply`,
            "options.position",
            position,
            `top ≤ ${roomRows} and left ≤ ${roomCols}, so that the window fits in the (padded) image`,
          );
        }
      } else {
        top = position === "center" ? Math.floor(roomRows / 2) : position.startsWith("top") ? 0 : roomRows;
        left = position === "center" ? Math.floor(roomCols / 2) : position.endsWith("left") ? 0 : roomCols;
      }
      return tf.tidy(() => cropImages(padImages(`${fn}.apply`, images, padding, paddingMode), new Int32Array(n).fill(top), new Int32Array(n).fill(left), size));
    },
  };
}

/**
 * The center and the four corner windows (AlexNet's five crops): with `size` smaller than the image, windows of that
 * size; with `padding` P and the default size, the image shifted by P pixels toward each corner, and unshifted.
 */
export function fiveCropViews(options: Omit<CropViewOptions, "position"> = {}): ImageView[] {
  return NAMED_POSITIONS.map((position) => cropView({ ...checkOptions("fiveCropViews", options), position }));
}

/** Each view followed by its left–right mirror image: AlexNet's ten views from `fiveCropViews`. */
export function withHorizontalFlips(views: readonly ImageView[]): ImageView[] {
  if (!Array.isArray(views)) invalidArgument("withHorizontalFlips", "views", views, "an array of image views");
  return views.flatMap((view) => [
    view,
    {
      name: `horizontalFlip(${view.name})`,
      apply: (images: tf.Tensor4D) => tf.tidy(() => flipImages(view.apply(images))),
    },
  ]);
}
