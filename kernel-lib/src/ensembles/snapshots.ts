/**
 * Snapshot ensembles (Huang, Li, Pleiss, Liu, Hopcroft & Weinberger, "Snapshot Ensembles: Train 1, Get M for Free",
 * ICLR 2017; lectures 000 and 003): one training run of T steps is split into M cycles of ⌈T/M⌉ steps; within each
 * cycle the learning rate falls from α₀ to about 0 along the cyclic cosine schedule
 *
 *     α(t) = α₀/2 · (cos(π · mod(t − 1, ⌈T/M⌉) / ⌈T/M⌉) + 1),
 *
 * and at the end of each cycle, where the rate is smallest and the weights sit in a local minimum, a copy of the
 * weights is saved. The M snapshots are the ensemble's members: average their probabilities, vote, or average their
 * parameters (`snapshotPredictions`, `averageProbabilities`, `majorityVote`, `averageParameters`).
 *
 * This file holds the saving half: a callback that copies the weights every `cycleLength` steps (or epochs). The
 * learning-rate half is the cyclic cosine schedule in kernel-lib's optimizers/schedules (`cyclicCosine`); the two
 * must share the cycle: give this callback `cycleLength` = ⌈T/M⌉ (the schedule's `cycleLength(T, M)`) in the
 * schedule's unit (steps when the rate changes every step), so that each snapshot falls on the last step of a cycle,
 * where the rate is smallest, and the next step restarts at α₀. When M does not divide T the schedule's last cycle is
 * shorter and ends at T; `saveIncompleteCycle: true` saves that one too, at the end of training.
 *
 * A snapshot is every weight of the model (`model.getWeights()`, batch-norm running statistics included), kept as
 * clones: a variable's update replaces its data, so a clone keeps the values of its step bit for bit.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkOneOf, invalidArgument } from "../errors";
import type { BatchLogs, EpochLogs, TrainingCallbacks } from "../training/fit";
import { tfjsCallback } from "../training/tfjs-callback";

/** The unit of `cycleLength`: optimizer steps (mini-batches) or epochs. */
export type SnapshotUnit = "step" | "epoch";

export interface SnapshotOptions {
  /** Length of one cycle in `unit`s, an integer ≥ 1: the schedule's ⌈T/M⌉. A snapshot is saved after every `cycleLength` units. */
  cycleLength: number;
  /** `"step"` (default) or `"epoch"`. */
  unit?: SnapshotUnit;
  /**
   * Also save a snapshot when training ends inside a cycle (after a number of units that is not a multiple of
   * `cycleLength`): the end of the schedule's shorter last cycle. Default false: snapshots only at full cycle ends.
   */
  saveIncompleteCycle?: boolean;
  /** Keep only the last `keepLast` snapshots (Huang et al. ensemble the last m ≤ M), freeing older ones. Default: all. */
  keepLast?: number;
  /** The model trained. kernel-lib's `fit` does not hand callbacks the model: pass it here or call `setModel`. */
  model?: tf.LayersModel;
}

/** One saved copy of the weights. */
export interface Snapshot {
  /** Which cycle ended (1-based): the snapshot was taken after cycle · cycleLength units. */
  cycle: number;
  /** Optimizer steps done when it was taken (1-based count of mini-batches in this run). */
  step: number;
  /** The epoch (1-based) during (unit "step") or at the end of (unit "epoch") which it was taken. */
  epoch: number;
  /** Clones of `model.getWeights()`, owned by the collector (freed by `dispose` / a new run). */
  weights: tf.Tensor[];
}

/**
 * Saves a snapshot of the model's weights at the end of every cycle. A kernel-lib `fit` callback;
 * `asTfjsCallback()` gives it for tfjs's `model.fit`. Each training run (`onTrainBegin`) starts counting from 0
 * and frees the snapshots of an earlier run. Call `dispose()` when done with the snapshots.
 */
export class SnapshotCollector implements TrainingCallbacks {
  readonly cycleLength: number;
  readonly unit: SnapshotUnit;
  readonly keepLast: number;
  readonly saveIncompleteCycle: boolean;
  /** The snapshots saved so far, oldest first. */
  snapshots: Snapshot[] = [];
  /** Optimizer steps seen in this run. */
  step = 0;
  /** The current epoch (1-based) of this run; 0 before the first. */
  epoch = 0;
  private model: tf.LayersModel | undefined;

  constructor(options: SnapshotOptions) {
    const fn = "snapshotEnsemble";
    if (options === null || typeof options !== "object")
      invalidArgument(fn, "options", options, "{ cycleLength, unit?, saveIncompleteCycle?, keepLast?, model? }");
    this.cycleLength = checkInteger(fn, "options.cycleLength", options.cycleLength, 1);
    this.unit = checkOneOf(fn, "options.unit", options.unit ?? "step", ["step", "epoch"] as const);
    this.keepLast = options.keepLast === undefined ? Infinity : checkInteger(fn, "options.keepLast", options.keepLast, 1);
    this.saveIncompleteCycle = options.saveIncompleteCycle ?? false;
    if (typeof this.saveIncompleteCycle !== "boolean") invalidArgument(fn, "options.saveIncompleteCycle", options.saveIncompleteCycle, "a boolean");
    this.model = options.model;
  }

  /** The model whose weights are saved. */
  setModel(model: tf.LayersModel): void {
    this.model = model;
  }

  /** The snapshots' weight lists, oldest first (the collector still owns them). */
  get weightLists(): tf.Tensor[][] {
    return this.snapshots.map((s) => s.weights);
  }

  /** Starts a run: frees earlier snapshots and resets the counters. */
  begin(): void {
    if (!this.model)
      throw new Error("snapshotEnsemble: no model; pass options.model (kernel-lib's fit does not hand callbacks the model) or call setModel(model)");
    this.dispose();
    this.step = 0;
    this.epoch = 0;
  }

  /** Records the start of epoch `epoch` (1-based). */
  beginEpoch(epoch: number): void {
    this.epoch = epoch;
  }

  /** Records one finished optimizer step; saves a snapshot when it ends a cycle (unit "step"). */
  endStep(): void {
    this.step += 1;
    if (this.unit === "step" && this.step % this.cycleLength === 0) this.save(this.step / this.cycleLength);
  }

  /** Records the end of epoch `epoch` (1-based); saves a snapshot when it ends a cycle (unit "epoch"). */
  endEpoch(epoch: number): void {
    this.epoch = epoch;
    if (this.unit === "epoch" && epoch % this.cycleLength === 0) this.save(epoch / this.cycleLength);
  }

  /** Ends a run: with `saveIncompleteCycle`, saves the last, incomplete cycle if training stopped inside one. */
  end(): void {
    const done = this.unit === "step" ? this.step : this.epoch;
    if (this.saveIncompleteCycle && done % this.cycleLength !== 0) this.save(Math.ceil(done / this.cycleLength));
  }

  /** Saves a snapshot of the model's current weights now, labelled with `cycle`. */
  save(cycle: number): Snapshot {
    if (!this.model) throw new Error("snapshotEnsemble: no model to copy; pass options.model or call setModel(model)");
    const snapshot: Snapshot = { cycle, step: this.step, epoch: this.epoch, weights: this.model.getWeights().map((w) => tf.clone(w)) };
    this.snapshots.push(snapshot);
    while (this.snapshots.length > this.keepLast) tf.dispose(this.snapshots.shift()!.weights);
    return snapshot;
  }

  /** Frees every snapshot. */
  dispose(): void {
    for (const snapshot of this.snapshots) tf.dispose(snapshot.weights);
    this.snapshots = [];
  }

  onTrainBegin(): void {
    this.begin();
  }

  onBatchEnd(logs: BatchLogs): void {
    this.epoch = logs.epoch;
    this.endStep();
  }

  onEpochEnd(logs: EpochLogs): void {
    this.endEpoch(logs.epoch);
  }

  onTrainEnd(): void {
    this.end();
  }

  /** The same collector as a `tf.Callback` for tfjs's `model.fit` (which numbers epochs from 0 and calls `setModel`). */
  asTfjsCallback(): tf.Callback {
    return tfjsCallback({
      setModel: (model) => this.setModel(model),
      onTrainBegin: () => this.begin(),
      onEpochBegin: (epoch) => this.beginEpoch(epoch),
      onBatchEnd: () => this.endStep(),
      onEpochEnd: (epoch) => this.endEpoch(epoch),
      onTrainEnd: () => this.end(),
    });
  }
}

/**
 * A callback that saves a snapshot of the weights every `cycleLength` steps (or epochs): Huang et al.'s snapshot
 * ensemble, with the cyclic cosine learning-rate schedule (`cyclicCosine` in kernel-lib's optimizers/schedules) and
 * the same cycle length ⌈T/M⌉ (see the module comment). Use it in kernel-lib's `fit` (pass `model`) or as `.asTfjsCallback()`.
 */
export function snapshotEnsemble(options: SnapshotOptions): SnapshotCollector {
  return new SnapshotCollector(options);
}
