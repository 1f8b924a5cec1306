/**
 * normalizers: input scalers (fit on training data, apply to validation/test, invert, save as JSON) and
 * normalization layers written from the lectures' equations: batch norm (statistics over the batch) and the
 * per-example norms (layer, group and instance norm: statistics within each example, independent of the batch).
 */
export * from "./scalers";
export * from "./batch-norm";
export * from "./per-example";
