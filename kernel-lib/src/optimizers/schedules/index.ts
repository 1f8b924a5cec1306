/**
 * Learning-rate schedules (lecture 004; Loshchilov & Hutter 2017; Huang et al. 2017): step decay, reduce-on-plateau,
 * cosine annealing with linear warmup and the cyclic cosine schedule of snapshot ensembles. Each is a pure function
 * of t (`stepDecayRate`, `cosineWarmupRate`, `cyclicCosineRate`, `reduceOnPlateauRates`) and a scheduler usable as
 * a kernel-lib `fit` callback, as a tfjs `model.fit` callback (`asTfjsCallback()`) or by hand; schedulers set the
 * rate on any tfjs or kernel-lib optimizer (`setOptimizerLearningRate`) and record the rate of every step or epoch.
 */
export { LearningRateScheduler, FixedLearningRateScheduler, SCHEDULE_UNITS, type ScheduleUnit, type SchedulerTarget } from "./base";
export { getOptimizerLearningRate, setOptimizerLearningRate } from "./optimizer-rate";
export { StepDecay, stepDecay, stepDecayRate, type StepDecayOptions } from "./step-decay";
export { ReduceOnPlateau, reduceOnPlateau, reduceOnPlateauRates, type ReduceOnPlateauOptions, type ReduceOnPlateauSettings } from "./reduce-on-plateau";
export { CosineWarmup, cosineWarmup, cosineWarmupRate, type CosineWarmupOptions } from "./cosine-warmup";
export { CyclicCosine, cyclicCosine, cyclicCosineRate, cycleLength, type CyclicCosineOptions } from "./cyclic-cosine";
