/**
 * The cyclic cosine annealing schedule of snapshot ensembles (Huang, Li, Pleiss, Liu, Hopcroft & Weinberger 2017,
 * "Snapshot Ensembles: Train 1, Get M for Free", ICLR, eq. 2; lectures 000 and 003). Over T steps split into M
 * cycles of L = ⌈T/M⌉ steps, the rate of step t = 1, ..., T is
 *
 *     α(t) = α₀/2 · (cos(π · mod(t − 1, L) / L) + 1),
 *
 * so each cycle starts at α₀ and anneals towards 0 (its last step runs at α₀/2·(1 − cos(π/L)) ≈ α₀π²/(4L²)); the
 * model at the end of each cycle is a snapshot, and the jump back to α₀ pushes the next cycle to another minimum.
 * This is PyTorch's `CosineAnnealingWarmRestarts(T_0 = L, T_mult = 1, eta_min = 0)`.
 *
 * Cycle boundaries (for a snapshot callback): cycle c = ⌊(t − 1)/L⌋ + 1 covers steps (c − 1)·L + 1 ... min(c·L, T),
 * and `isCycleEnd(t)` holds at t = L, 2L, ... and at t = T. When M does not divide T the last cycle is shorter and
 * ends at T before its rate has annealed (T = 10, M = 3: L = 4, cycles 1–4, 5–8, 9–10); when ⌈T/L⌉ < M (T = 10,
 * M = 6: L = 2 gives only 5 cycles) the formula cannot give M cycles and the constructor says so.
 */
import { invalidArgument } from "../../errors";
import { checkIndex, checkOptionsObject, checkPositiveRate, checkUnit, FixedLearningRateScheduler, type ScheduleUnit, type SchedulerTarget } from "./base";

export interface CyclicCosineOptions {
  /** α₀, the rate at the start of every cycle (> 0). */
  initialRate: number;
  /** T, the steps (or epochs) of the whole training, an integer ≥ cycles. */
  totalSteps: number;
  /** M, the number of cycles (= snapshots), an integer in [1, T]. */
  cycles: number;
  /** What t counts (default `"step"`: Huang et al. anneal per iteration). */
  unit?: ScheduleUnit;
}

export interface CyclicCosineSettings {
  initialRate: number;
  totalSteps: number;
  cycles: number;
  /** L = ⌈T/M⌉. */
  cycleLength: number;
  unit: ScheduleUnit;
}

const EXPECTED = "{ initialRate, totalSteps, cycles, unit? }";

/** L = ⌈T/M⌉, the length of a cycle of T steps in M cycles (T ≥ M ≥ 1 integers). */
export function cycleLength(totalSteps: number, cycles: number): number {
  const fn = "cycleLength";
  const t = checkIndex(fn, "totalSteps", totalSteps);
  const m = checkIndex(fn, "cycles", cycles);
  if (t < m) invalidArgument(fn, "totalSteps", t, `at least cycles = ${m} (each cycle needs at least one step)`);
  return Math.ceil(t / m);
}

/** Checks cyclic-cosine options: α₀ > 0, T ≥ M ≥ 1 integers, and M cycles of ⌈T/M⌉ steps fitting in T. */
export function checkCyclicCosineOptions(fn: string, options: CyclicCosineOptions): CyclicCosineSettings {
  checkOptionsObject(fn, options, EXPECTED);
  const initialRate = checkPositiveRate(fn, "options.initialRate", options.initialRate);
  const totalSteps = checkIndex(fn, "options.totalSteps", options.totalSteps);
  const cycles = checkIndex(fn, "options.cycles", options.cycles);
  if (totalSteps < cycles) invalidArgument(fn, "options.totalSteps", totalSteps, `at least cycles = ${cycles} (T >= M: each cycle needs at least one step)`);
  const length = Math.ceil(totalSteps / cycles);
  const started = Math.ceil(totalSteps / length);
  if (started < cycles) {
    invalidArgument(
      fn,
      "options.cycles",
      cycles,
      `a number of cycles the formula can give for T = ${totalSteps}: cycles of ⌈T/M⌉ = ${length} steps make only ${started} cycles (choose T a multiple of M)`,
    );
  }
  return { initialRate, totalSteps, cycles, cycleLength: length, unit: checkUnit(fn, options.unit, "step") };
}

/** α(t) = α₀/2 · (cos(π·mod(t − 1, ⌈T/M⌉)/⌈T/M⌉) + 1), Huang et al.'s rate of step t ≥ 1 (pure; periodic beyond T). */
export function cyclicCosineRate(t: number, options: CyclicCosineOptions): number {
  const settings = checkCyclicCosineOptions("cyclicCosineRate", options);
  return rateOf(checkIndex("cyclicCosineRate", "t", t), settings);
}

function rateOf(t: number, { initialRate, cycleLength: length }: CyclicCosineSettings): number {
  return (initialRate / 2) * (Math.cos((Math.PI * ((t - 1) % length)) / length) + 1);
}

/**
 * The snapshot-ensemble scheduler (per step by default): a kernel-lib `fit` callback (pass `model` or
 * `optimizer`), `asTfjsCallback()` for tfjs's `model.fit`, or `begin()` / `stepEnd()` by hand. A snapshot callback
 * placed after it can test `isCycleEnd(logs.step)` in `onBatchEnd` (or `isCycleEnd(scheduler.completed)`).
 */
export class CyclicCosine extends FixedLearningRateScheduler {
  protected readonly label = "cyclicCosine";
  readonly unit: ScheduleUnit;
  readonly initialRate: number;
  readonly totalSteps: number;
  /** M, the number of cycles asked for. */
  readonly cycles: number;
  /** L = ⌈T/M⌉, the steps of one cycle (the last may be shorter). */
  readonly cycleLength: number;
  private readonly settings: CyclicCosineSettings;

  constructor(options: CyclicCosineOptions & SchedulerTarget) {
    const settings = checkCyclicCosineOptions("cyclicCosine", options);
    super(options);
    this.settings = settings;
    ({ unit: this.unit, initialRate: this.initialRate, totalSteps: this.totalSteps, cycles: this.cycles, cycleLength: this.cycleLength } = settings);
  }

  rateAt(t: number): number {
    return rateOf(checkIndex(`${this.label}.rateAt`, "t", t), this.settings);
  }

  /** The cycle (1-based) that step t belongs to: ⌊(t − 1)/L⌋ + 1. */
  cycleOf(t: number): number {
    return Math.floor((checkIndex(`${this.label}.cycleOf`, "t", t) - 1) / this.cycleLength) + 1;
  }

  /** Whether step t ends a cycle: t a multiple of L, or t = T (the end of training ends the last cycle). */
  isCycleEnd(t: number): boolean {
    checkIndex(`${this.label}.isCycleEnd`, "t", t);
    return t % this.cycleLength === 0 || t === this.totalSteps;
  }

  /** The steps that end a cycle within T: L, 2L, ..., and T; one per cycle, M in all. */
  cycleEnds(): number[] {
    const ends: number[] = [];
    for (let t = this.cycleLength; t < this.totalSteps; t += this.cycleLength) ends.push(t);
    ends.push(this.totalSteps);
    return ends;
  }
}

/** Snapshot ensembles' cyclic cosine schedule: `cyclicCosine({ initialRate: 0.1, totalSteps: epochs * stepsPerEpoch, cycles: 5, model })`. */
export function cyclicCosine(options: CyclicCosineOptions & SchedulerTarget): CyclicCosine {
  return new CyclicCosine(options);
}
