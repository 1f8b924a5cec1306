/**
 * Gradient clipping (lectures 001 and 003): by value, by norm per tensor, by global norm, as pure functions on
 * gradients and as an optimizer wrapper that works with `model.fit` and records the pre-clip norms.
 */
export { gradientNorms, type GradientMap, type NamedGradient, type Gradients, type GradientNorms } from "./gradients";
export { clipByValue, clipByNorm, clipByGlobalNorm, clipScale, type ClipResult, type ClipByValueOptions, type ClipByNormOptions } from "./clip";
export { clippedOptimizer, ClippedOptimizer, CLIP_MODES, type ClipMode, type ClippedOptimizerOptions } from "./clipped-optimizer";
