/**
 * optimizers: what tfjs lacks. Decoupled weight decay (AdamW with the AMSGrad flag, SGDW with momentum /
 * Nesterov) as tf.Optimizers usable with `model.fit` and custom loops, and the engineers' multiplicative decay
 * θ ← (1 − λ)·θ as a standalone step (lecture 002; Loshchilov & Hutter 2019; Reddi et al. 2018); learning-rate
 * schedules (step decay, reduce-on-plateau, cosine with warmup, cyclic cosine) as callbacks that set the rate on any
 * tfjs optimizer; optimizer trajectories on a plain function for contour plots.
 */
export { AdamW, adamW, type AdamWOptions } from "./adamw";
export { SGDW, sgdW, type SGDWOptions } from "./sgdw";
export {
  decayWeights,
  decayFactor,
  isExcludedFromDecay,
  type DecayExclusion,
  type DecayExclusionConfig,
  type DecayWeightsOptions,
  type DecayableVariable,
} from "./decay";
export * from "./schedules";
export { optimizerTrajectory, trajectoryRows, type PointFunction, type Trajectory, type TrajectoryOptions, type TrajectoryRow } from "./trajectory";
export { disposeOptimizer } from "./dispose-optimizer";
export { proximalL1Optimizer, ProximalL1Optimizer, softThreshold, type ProximalL1Options } from "./proximal-l1";
export { Adadelta, adadelta, type AdadeltaOptions } from "./adadelta";
