/**
 * regularizers: norm penalties as tfjs regularizers (L1, L2 with the lecture's α/2 convention, L1+L2, L2 toward a
 * target, a tying penalty, a whole-model penalty for custom loops) and gradient clipping (by value, by norm, by
 * global norm, and an optimizer wrapper that clips before every step), label smoothing, input and weight noise,
 * the dropout family (inverted, standard, Gaussian, DropConnect, Monte Carlo dropout), data augmentation with
 * test-time augmentation.
 */
export * from "./penalties";
export * from "./clipping";
export * from "./label-smoothing";
export * from "./noise";
export * from "./augmentation";
export * from "./dropout";
