/**
 * Cosine annealing with linear warmup (Loshchilov & Hutter 2017, "SGDR: Stochastic Gradient Descent with Warm
 * Restarts", ICLR, eq. 5 without restarts; warmup as in Goyal et al. 2017, "Accurate, Large Minibatch SGD"). With
 * peak rate η_max, floor η_min, W warmup steps and T steps in all, the rate of step t = 1, ..., T is
 *
 *     η_t = η_max · t / W                                                  for t ≤ W   (linear warmup)
 *     η_t = η_min + (η_max − η_min)/2 · (1 + cos(π · (t − W − 1) / (T − W)))   for W < t ≤ T
 *
 * so the first step runs at η_max/W, steps W and W + 1 at η_max, and the rate falls along half a cosine towards
 * η_min, which it would reach at step T + 1; after T it stays at η_min. With W = 0 this is PyTorch's
 * `CosineAnnealingLR(T_max = T, eta_min)`; with W > 0 it is `SequentialLR([LinearLR(start_factor = 1/W, total_iters
 * = W − 1), CosineAnnealingLR(T_max = T − W, eta_min)], milestones = [W])` (test/fixtures/schedules/generate.py).
 * Warmup keeps the first steps small while Adam's moment estimates and the batch-norm statistics settle.
 */
import { checkNumber, invalidArgument } from "../../errors";
import {
  checkIndex,
  checkOptionsObject,
  checkPositiveRate,
  checkRate,
  checkUnit,
  FixedLearningRateScheduler,
  type ScheduleUnit,
  type SchedulerTarget,
} from "./base";

export interface CosineWarmupOptions {
  /** η_max, the rate at the end of warmup (> 0). */
  peakRate: number;
  /** T, the steps (or epochs) of the whole schedule, an integer > warmupSteps. */
  totalSteps: number;
  /** W, the steps of linear warmup, an integer in [0, T) (default 0: no warmup). */
  warmupSteps?: number;
  /** η_min, the floor the cosine falls to, in [0, η_max] (default 0). */
  minRate?: number;
  /** What t counts (default `"step"`: T and W are optimizer steps). */
  unit?: ScheduleUnit;
}

export interface CosineWarmupSettings {
  peakRate: number;
  totalSteps: number;
  warmupSteps: number;
  minRate: number;
  unit: ScheduleUnit;
}

const EXPECTED = "{ peakRate, totalSteps, warmupSteps?, minRate?, unit? }";

/** Checks cosine-with-warmup options. */
export function checkCosineWarmupOptions(fn: string, options: CosineWarmupOptions): CosineWarmupSettings {
  checkOptionsObject(fn, options, EXPECTED);
  const peakRate = checkPositiveRate(fn, "options.peakRate", options.peakRate);
  const totalSteps = checkIndex(fn, "options.totalSteps", options.totalSteps);
  const warmupSteps = options.warmupSteps ?? 0;
  if (typeof warmupSteps !== "number" || !Number.isInteger(warmupSteps) || warmupSteps < 0 || warmupSteps >= totalSteps) {
    invalidArgument(fn, "options.warmupSteps", warmupSteps, `an integer in [0, totalSteps) = [0, ${totalSteps})`);
  }
  const minRate = checkRate(fn, "options.minRate", options.minRate ?? 0);
  checkNumber(fn, "options.minRate", minRate, 0, peakRate);
  return { peakRate, totalSteps, warmupSteps, minRate, unit: checkUnit(fn, options.unit, "step") };
}

/** The cosine-with-warmup rate of step t ≥ 1 (pure; see the module comment for the formula). */
export function cosineWarmupRate(t: number, options: CosineWarmupOptions): number {
  const settings = checkCosineWarmupOptions("cosineWarmupRate", options);
  return rateOf(checkIndex("cosineWarmupRate", "t", t), settings);
}

function rateOf(t: number, { peakRate, totalSteps, warmupSteps, minRate }: CosineWarmupSettings): number {
  if (t <= warmupSteps) return (peakRate * t) / warmupSteps;
  if (t > totalSteps) return minRate;
  const progress = (t - warmupSteps - 1) / (totalSteps - warmupSteps);
  return minRate + ((peakRate - minRate) / 2) * (1 + Math.cos(Math.PI * progress));
}

/**
 * The cosine-with-warmup scheduler (per step by default): a kernel-lib `fit` callback (pass `model` or
 * `optimizer`), `asTfjsCallback()` for tfjs's `model.fit`, or `begin()` / `stepEnd()` in a custom loop.
 */
export class CosineWarmup extends FixedLearningRateScheduler {
  protected readonly label = "cosineWarmup";
  readonly unit: ScheduleUnit;
  readonly peakRate: number;
  readonly totalSteps: number;
  readonly warmupSteps: number;
  readonly minRate: number;
  private readonly settings: CosineWarmupSettings;

  constructor(options: CosineWarmupOptions & SchedulerTarget) {
    const settings = checkCosineWarmupOptions("cosineWarmup", options);
    super(options);
    this.settings = settings;
    ({ unit: this.unit, peakRate: this.peakRate, totalSteps: this.totalSteps, warmupSteps: this.warmupSteps, minRate: this.minRate } = settings);
  }

  rateAt(t: number): number {
    return rateOf(checkIndex(`${this.label}.rateAt`, "t", t), this.settings);
  }
}

/** Cosine annealing with linear warmup: `cosineWarmup({ peakRate: 1e-3, totalSteps: epochs * stepsPerEpoch, warmupSteps: 100, model })`. */
export function cosineWarmup(options: CosineWarmupOptions & SchedulerTarget): CosineWarmup {
  return new CosineWarmup(options);
}
