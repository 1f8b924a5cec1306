/**
 * normalizers: input scalers (fit on training data, apply to validation/test, invert, save as JSON) and
 * normalization layers (batch, layer, group and instance norm) written from the lectures' equations.
 */
export {};
