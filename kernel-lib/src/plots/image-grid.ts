/**
 * A grid of small grayscale images (digits, filters, whitened patches) with a caption each, drawn as
 * Vega-Lite rectangles so it works live and as SVG. Each image travels as one row holding its pixels;
 * Vega flattens them and computes each pixel's row and column, so the spec stays small.
 */
import type { TopLevelSpec } from "vega-lite";
import { checkInteger, invalidArgument } from "../errors";

export interface ImageGridOptions {
  /** Images, each `height * width` values in row-major order. */
  images: ArrayLike<number>[];
  height: number;
  width: number;
  /** One caption per image (e.g. "pred 7 / true 7"). */
  captions?: string[];
  /** Images per row of the grid. Default 8. */
  columns?: number;
  /** Screen pixels per image pixel. Default 3. */
  scale?: number;
  /** Pixels with exactly this value are not drawn (the background shows). Default 0 for non-negative images. */
  background?: number | null;
  /** Colour scheme; "greys" maps low to white, high to black. Default "greys" ("redblue" for signed images). */
  scheme?: string;
  title?: string;
}

/** The image grid spec. */
export function imageGrid(options: ImageGridOptions): TopLevelSpec {
  const { images } = options;
  const height = checkInteger("imageGrid", "options.height", options.height, 1);
  const width = checkInteger("imageGrid", "options.width", options.width, 1);
  if (!Array.isArray(images) || images.length === 0) invalidArgument("imageGrid", "options.images", images, "a non-empty array of images");
  images.forEach((image, i) => {
    if (image.length !== height * width) invalidArgument("imageGrid", `options.images[${i}].length`, image.length, `height * width = ${height * width}`);
  });
  const captions = options.captions ?? images.map((_, i) => `#${i}`);
  if (captions.length !== images.length) invalidArgument("imageGrid", "options.captions.length", captions.length, `${images.length} (one per image)`);
  let min = Infinity;
  let max = -Infinity;
  for (const image of images) {
    for (let i = 0; i < image.length; i++) {
      min = Math.min(min, image[i]!);
      max = Math.max(max, image[i]!);
    }
  }
  const signed = min < 0;
  const background = options.background === undefined ? (signed ? null : 0) : options.background;
  const rows = images.map((image, index) => ({ index, pixels: Array.from(image, (v) => Math.round(v * 1000) / 1000) }));
  // Panels are keyed by image index; the header shows the caption, looked up in an array literal.
  const captionLookup = `${JSON.stringify(captions)}[datum.value]`;
  const scale = options.scale ?? 3;
  const limit = signed ? Math.max(-min, max) : max;
  return {
    ...(options.title !== undefined ? { title: options.title } : {}),
    data: { values: rows },
    transform: [
      { flatten: ["pixels"], as: ["value"] },
      { window: [{ op: "row_number", as: "position" }], groupby: ["index"] },
      { calculate: `floor((datum.position - 1) / ${width})`, as: "row" },
      { calculate: `(datum.position - 1) % ${width}`, as: "column" },
      { calculate: "datum.row + 1", as: "row2" },
      { calculate: "datum.column + 1", as: "column2" },
      ...(background === null ? [] : [{ filter: `datum.value !== ${background}` }]),
    ],
    facet: { field: "index", type: "ordinal", title: null, header: { labelExpr: captionLookup, labelFontSize: 10, labelPadding: 2 } },
    columns: options.columns ?? 8,
    spacing: 6,
    spec: {
      width: width * scale,
      height: height * scale,
      // No ARIA label per pixel: it would make the SVG fallback about 2.5 times larger (one label per drawn pixel).
      mark: { type: "rect", strokeWidth: 0, aria: false },
      encoding: {
        x: { field: "column", type: "quantitative", scale: { domain: [0, width], nice: false }, axis: null },
        x2: { field: "column2" },
        y: { field: "row", type: "quantitative", scale: { domain: [0, height], nice: false, reverse: true }, axis: null },
        y2: { field: "row2" },
        color: {
          field: "value",
          type: "quantitative",
          legend: null,
          scale: {
            scheme: options.scheme ?? (signed ? "redblue" : "greys"),
            domain: signed ? [-limit, limit] : [Math.min(0, min), limit || 1],
            ...(signed ? { reverse: true } : {}),
          },
        },
      },
      view: { stroke: "#ddd" },
    },
  } as TopLevelSpec;
}
