/**
 * Noise as a regularizer (lecture 002): Gaussian input noise as a layer with a fresh seeded draw per step
 * (equivalent to an L2 penalty σ²‖w‖² for a linear model with squared loss), and weight noise for custom loops
 * and any optimizer (gradient at w + ε, update applied to w).
 */
export { GaussianInputNoise, gaussianInputNoise, registerGaussianInputNoise, type GaussianInputNoiseArgs } from "./gaussian-input-noise";
export { WeightNoise, WeightNoiseOptimizer, weightNoiseOptimizer, type WeightNoiseOptions } from "./weight-noise";
