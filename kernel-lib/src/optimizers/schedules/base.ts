/**
 * The shared machinery of learning-rate schedules: a schedule gives the rate η_t of step (mini-batch) or epoch
 * t = 1, 2, ...; the scheduler sets it on the optimizer before t runs and records the rate t used.
 *
 * Timing: `begin()` sets η₁ before the first step; when step (or epoch) t ends, the scheduler records the rate the
 * optimizer used during t and sets η_{t+1}. That is all a callback at the end of each batch or epoch needs, so the
 * same object drives kernel-lib's `fit` (`onTrainBegin` / `onBatchEnd` / `onEpochEnd`), tfjs's `model.fit`
 * (`asTfjsCallback()`) and a hand-written loop (`begin()`, then `stepEnd()` after every step and `epochEnd(logs)`
 * after every epoch; the scheduler ignores the calls for the other unit).
 *
 * One scheduler per optimizer: two schedulers on one optimizer overwrite each other's rate.
 */
import * as tf from "@tensorflow/tfjs";
import { checkNumber, checkOneOf, invalidArgument } from "../../errors";
import type { EpochLogs, TrainingCallbacks } from "../../training/fit";
import { getOptimizerLearningRate, isOptimizer, setOptimizerLearningRate } from "./optimizer-rate";
import { tfjsCallback } from "../../training/tfjs-callback";

/** What t counts: optimizer steps (mini-batches) or epochs. */
export type ScheduleUnit = "step" | "epoch";

export const SCHEDULE_UNITS: readonly ScheduleUnit[] = ["step", "epoch"];

/** Where a scheduler finds the optimizer whose rate it sets. */
export interface SchedulerTarget {
  /** The optimizer (a custom loop, or a model compiled with it). */
  optimizer?: tf.Optimizer;
  /**
   * The model whose `optimizer` is scheduled (read at `begin()`). kernel-lib's `fit` does not hand callbacks the
   * model, so pass it here or call `setModel`; tfjs's `model.fit` sets it through `asTfjsCallback()`.
   */
  model?: tf.LayersModel;
}

/** A rate η: a finite number ≥ 0 (a negative rate would climb the loss). */
export function checkRate(fn: string, name: string, value: unknown): number {
  return checkNumber(fn, name, value, 0);
}

/** A starting or peak rate: a finite number > 0. */
export function checkPositiveRate(fn: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) invalidArgument(fn, name, value, "a finite number > 0");
  return value;
}

/** t: an integer ≥ 1 (steps and epochs are counted from 1). */
export function checkIndex(fn: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) invalidArgument(fn, name, value, "an integer >= 1 (steps and epochs count from 1)");
  return value;
}

/** Checks a `unit` option (default `fallback`). */
export function checkUnit(fn: string, value: unknown, fallback: ScheduleUnit): ScheduleUnit {
  return checkOneOf(fn, "options.unit", value ?? fallback, SCHEDULE_UNITS);
}

/** The options object itself: an object, else a clear error. */
export function checkOptionsObject<T>(fn: string, options: T, expected: string): T {
  if (options === null || typeof options !== "object") invalidArgument(fn, "options", options, expected);
  return options;
}

/**
 * Base of every scheduler. Subclasses give `rateFor(t)`, the rate of unit t, which `begin()` and the end of each
 * unit call in order t = 1, 2, ...; a schedule that reacts to metrics (reduce-on-plateau) updates its state in
 * `observe(t, logs)` first.
 */
export abstract class LearningRateScheduler implements TrainingCallbacks {
  /** What t counts: `"step"` (mini-batches) or `"epoch"`. */
  abstract readonly unit: ScheduleUnit;
  /** The rate each finished unit used, read from the optimizer: `learningRates[t − 1]` is the rate of step / epoch t. */
  readonly learningRates: number[] = [];
  protected optimizer: tf.Optimizer | undefined;
  protected model: tf.LayersModel | undefined;
  private active: tf.Optimizer | null = null;
  /** Name of the schedule in error messages. */
  protected abstract readonly label: string;

  constructor(target: SchedulerTarget = {}) {
    const { optimizer, model } = target;
    if (optimizer !== undefined && !isOptimizer(optimizer)) invalidArgument("LearningRateScheduler", "options.optimizer", optimizer, "a tf.Optimizer");
    this.optimizer = optimizer;
    this.model = model;
  }

  /** The rate of unit t (1-based), called in order t = 1, 2, ... during training. */
  protected abstract rateFor(t: number): number;

  /** Resets what the schedule learned during a run (reduce-on-plateau's best value and counters). */
  protected resetState(): void {}

  /** Sees the logs of unit t before the rate of t + 1 is asked for (epoch logs for epoch units, else undefined). */
  protected observe(_t: number, _logs: Record<string, number> | undefined): void {}

  /** Steps or epochs finished since `begin()`. */
  get completed(): number {
    return this.learningRates.length;
  }

  /** The optimizer to schedule (used from the next `begin()`). */
  setOptimizer(optimizer: tf.Optimizer): void {
    if (!isOptimizer(optimizer)) invalidArgument(`${this.label}.setOptimizer`, "optimizer", optimizer, "a tf.Optimizer");
    this.optimizer = optimizer;
  }

  /** The model whose optimizer to schedule (used from the next `begin()`; an explicit optimizer takes precedence). */
  setModel(model: tf.LayersModel): void {
    this.model = model;
  }

  /** Starts a run: forgets earlier rates and state and sets the rate of unit 1 on the optimizer. */
  begin(): void {
    const optimizer = this.optimizer ?? this.model?.optimizer;
    if (!isOptimizer(optimizer)) {
      throw new Error(
        `${this.label}: no optimizer to schedule; pass options.optimizer or options.model (a compiled model), or call setOptimizer / setModel (kernel-lib's fit does not hand callbacks the model, nor does tfjs's model.fit when the first callback in its list is a plain object)`,
      );
    }
    this.active = optimizer;
    this.learningRates.length = 0;
    this.resetState();
    setOptimizerLearningRate(optimizer, this.rateFor(1));
  }

  /** Marks one optimizer step done (ignored by an epoch schedule). */
  stepEnd(): void {
    if (this.unit === "step") this.advance(undefined);
  }

  /** Marks one epoch done, with its logs (`val_loss`, ...); ignored by a step schedule. */
  epochEnd(logs: Record<string, number> = {}): void {
    if (this.unit === "epoch") this.advance(logs);
  }

  /** Records the rate unit t used, lets the schedule observe t, and sets the rate of t + 1. */
  private advance(logs: Record<string, number> | undefined): void {
    const optimizer = this.active;
    if (optimizer === null) throw new Error(`${this.label}: call begin() (or train with it as a callback) before ${this.unit}End()`);
    const t = this.learningRates.length + 1;
    this.learningRates.push(getOptimizerLearningRate(optimizer));
    this.observe(t, logs);
    setOptimizerLearningRate(optimizer, this.rateFor(t + 1));
  }

  /** The recorded rates as rows `{ step | epoch: t, learningRate }` for `lineChart`. */
  rateRows(): Record<string, number>[] {
    return this.learningRates.map((learningRate, i) => ({ [this.unit]: i + 1, learningRate }));
  }

  onTrainBegin(): void {
    this.begin();
  }

  onBatchEnd(): void {
    this.stepEnd();
  }

  onEpochEnd(logs: EpochLogs): void {
    this.epochEnd(logs);
  }

  /**
   * The same scheduler as a `tf.Callback` for tfjs's `model.fit` (which calls `setModel`; the model's optimizer is
   * scheduled unless an optimizer was given). Epoch logs that tfjs passes as scalar tensors are read, not disposed.
   * tfjs treats a callback list by its first entry: when that is a plain object `{ onEpochEnd }`, tfjs wraps every
   * entry in a `tf.CustomCallback`, which never receives the model; then pass `model` (or `optimizer`) to the
   * scheduler, or put the scheduler first and wrap plain objects in `new tf.CustomCallback({...})`.
   */
  asTfjsCallback(): tf.Callback {
    return tfjsCallback({
      setModel: (model) => this.setModel(model),
      onTrainBegin: () => this.begin(),
      onBatchEnd: () => this.stepEnd(),
      onEpochEnd: (epoch, logs) => this.epochEnd({ epoch, ...logs }),
    });
  }
}

/**
 * A schedule whose rate is a fixed function of t (step decay, cosine with warmup, cyclic cosine): `rateAt(t)` is
 * that function, pure, for plots and tests; the scheduler sets exactly `rateAt(t)` for unit t.
 */
export abstract class FixedLearningRateScheduler extends LearningRateScheduler {
  /** η_t for t = 1, 2, ... (pure). */
  abstract rateAt(t: number): number;

  /** [η₁, ..., η_count], e.g. to plot the schedule before training. */
  rates(count: number): number[] {
    const n = checkNumber(`${this.label}.rates`, "count", count, 0);
    if (!Number.isInteger(n)) invalidArgument(`${this.label}.rates`, "count", count, "an integer >= 0");
    return Array.from({ length: n }, (_, i) => this.rateAt(i + 1));
  }

  protected rateFor(t: number): number {
    return this.rateAt(t);
  }
}
