/**
 * Early stopping with restoration of the best weights (Goodfellow, Bengio & Courville, *Deep Learning*, §7.8,
 * algorithm 7.1; lectures 000, 001, 002).
 *
 * Algorithm 7.1, with epochs as the unit of training between evaluations:
 *
 *     best ← +∞ (mode "min") or −∞ (mode "max");  wait ← 0
 *     after every epoch e:
 *         v ← the monitored value (by default the validation loss)
 *         if v improves on best by more than minDelta:  best ← v, bestEpoch ← e, θ* ← copy of θ, wait ← 0
 *         else:  wait ← wait + 1;  stop when wait ≥ patience
 *     at the end of training:  θ ← θ*
 *
 * "Improves" means v < best − minDelta in mode "min" and v > best + minDelta in mode "max". With a `baseline`,
 * an improvement resets `wait` only if v also beats the baseline, so a run that never reaches the baseline stops
 * after `patience` epochs (Keras's convention). Patience 0 and 1 both stop at the first epoch without improvement
 * (also Keras's convention).
 *
 * tfjs has its own `tf.callbacks.earlyStopping`, but its `restoreBestWeights` throws NotImplemented. Here the best
 * weights are kept as clones of the model's variables: a tfjs tensor is immutable and an optimizer step replaces a
 * variable's data rather than writing into it, so a clone keeps exactly the values of that epoch (bit for bit) at the
 * cost of one extra copy of the weights. The optimizer's state (Adam's moments) is not restored, as in Keras.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkNumber, checkOneOf, invalidArgument } from "../errors";
import type { EpochLogs, TrainingCallbacks } from "./fit";
import { tfjsCallback } from "./tfjs-callback";

export type EarlyStoppingMode = "min" | "max" | "auto";

export interface EarlyStoppingOptions {
  /** The quantity watched, a key of the epoch logs. Default `"val_loss"`. */
  monitor?: string;
  /** `"min"` (losses), `"max"` (accuracies) or `"auto"` (max when the name contains `acc` or `auc`, else min). Default `"auto"`. */
  mode?: EarlyStoppingMode;
  /** Epochs without improvement before stopping, an integer ≥ 0. Default 0 (stop at the first epoch that does not improve). */
  patience?: number;
  /** Smallest change that counts as an improvement, ≥ 0. Default 0. */
  minDelta?: number;
  /** Put back the weights of the best epoch when training ends (stopped or not). Default true. */
  restoreBestWeights?: boolean;
  /** A value the monitored quantity must beat for an improvement to reset the patience counter. */
  baseline?: number;
  /**
   * The model trained. kernel-lib's `fit` does not hand its callbacks the model, so pass it here (or call
   * `setModel`); tfjs's `model.fit` sets it through the callback returned by `asTfjsCallback()`.
   */
  model?: tf.LayersModel;
}

/** `"max"` for names containing `acc` or `auc` (accuracy, AUC), else `"min"`. */
export function inferMonitorMode(monitor: string): "min" | "max" {
  const name = monitor.replace(/^val_/, "").toLowerCase();
  return name.includes("acc") || name.includes("auc") ? "max" : "min";
}

/**
 * An early-stopping monitor. It is a kernel-lib `fit` callback; `asTfjsCallback()` gives the same monitor as a
 * `tf.Callback` for tfjs's `model.fit`; in a hand-written loop call `begin()`, then `observe(epoch, logs)` after each
 * epoch (it returns true when training should stop), then `end()`.
 */
export class EarlyStopping implements TrainingCallbacks {
  readonly monitor: string;
  readonly mode: "min" | "max";
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  readonly baseline: number | undefined;
  /** The epoch (1-based: epochs trained so far) with the best monitored value; null before the first improvement. */
  bestEpoch: number | null = null;
  /** The best monitored value seen (±Infinity before the first epoch). */
  bestValue: number;
  /** The epoch at whose end training was stopped; null when it was not stopped (it ran all its epochs). */
  stoppedEpoch: number | null = null;
  /** Consecutive epochs without improvement so far. */
  wait = 0;
  /** Whether `end()` put the best weights back. */
  restored = false;
  private model: tf.LayersModel | undefined;
  private snapshot: tf.Tensor[] | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    const fn = "earlyStopping";
    const monitor = options.monitor ?? "val_loss";
    if (typeof monitor !== "string" || monitor === "") invalidArgument(fn, "options.monitor", monitor, 'a non-empty metric name such as "val_loss"');
    this.monitor = monitor;
    const mode = checkOneOf(fn, "options.mode", options.mode ?? "auto", ["min", "max", "auto"] as const);
    this.mode = mode === "auto" ? inferMonitorMode(monitor) : mode;
    this.patience = checkInteger(fn, "options.patience", options.patience ?? 0, 0);
    this.minDelta = checkNumber(fn, "options.minDelta", options.minDelta ?? 0, 0);
    this.restoreBestWeights = options.restoreBestWeights ?? true;
    this.baseline = options.baseline === undefined ? undefined : checkNumber(fn, "options.baseline", options.baseline);
    this.bestValue = this.mode === "min" ? Infinity : -Infinity;
    this.model = options.model;
  }

  /** The model whose training is stopped and whose weights are restored. */
  setModel(model: tf.LayersModel): void {
    this.model = model;
  }

  /** Whether `value` beats `reference` by more than minDelta in this monitor's direction. */
  isImprovement(value: number, reference: number): boolean {
    return this.mode === "min" ? value < reference - this.minDelta : value > reference + this.minDelta;
  }

  /** Resets the state for a new run (frees a snapshot left from an earlier one). */
  begin(): void {
    this.disposeSnapshot();
    this.bestEpoch = null;
    this.bestValue = this.mode === "min" ? Infinity : -Infinity;
    this.stoppedEpoch = null;
    this.wait = 0;
    this.restored = false;
  }

  /**
   * Takes the logs of epoch `epoch` (1-based), updates the best value, snapshots the weights on improvement and
   * returns true when training should stop (it also sets `model.stopTraining` when a model is attached).
   */
  observe(epoch: number, logs: Record<string, number>): boolean {
    checkInteger("EarlyStopping.observe", "epoch", epoch, 1);
    const value = logs[this.monitor];
    if (typeof value !== "number") {
      const available = Object.keys(logs).filter((k) => k !== "epoch");
      throw new Error(
        `earlyStopping: monitor "${this.monitor}" is not in the epoch logs; available: ${available.map((k) => JSON.stringify(k)).join(", ") || "(none)"}`,
      );
    }
    if (this.isImprovement(value, this.bestValue)) {
      this.bestValue = value;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.takeSnapshot();
      if (this.baseline === undefined || this.isImprovement(value, this.baseline)) {
        this.wait = 0;
        return false;
      }
    }
    this.wait += 1;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      if (this.model) this.model.stopTraining = true;
      return true;
    }
    return false;
  }

  /** Ends the run: puts the best epoch's weights back (if asked and one was seen) and frees the snapshot. */
  end(): void {
    if (this.restoreBestWeights && this.snapshot && this.model) {
      this.model.setWeights(this.snapshot);
      this.restored = true;
    }
    this.disposeSnapshot();
  }

  onTrainBegin(): void {
    if (!this.model)
      throw new Error("earlyStopping: no model to stop; pass options.model (kernel-lib's fit does not hand callbacks the model) or call setModel(model)");
    this.begin();
  }

  onEpochEnd(logs: EpochLogs): void {
    this.observe(logs.epoch, logs);
  }

  onTrainEnd(): void {
    this.end();
  }

  /**
   * The same monitor as a `tf.Callback` for tfjs's `model.fit` (which calls `setModel`, numbers epochs from 0 and may
   * pass metric values as scalar tensors: they are read, not disposed, since tfjs frees them itself).
   */
  asTfjsCallback(): tf.Callback {
    return tfjsCallback({
      setModel: (model) => this.setModel(model),
      onTrainBegin: () => this.begin(),
      onEpochEnd: (epoch, logs) => this.observe(epoch, logs),
      onTrainEnd: () => this.end(),
    });
  }

  private takeSnapshot(): void {
    if (!this.model) throw new Error("earlyStopping: restoreBestWeights needs the model; pass options.model or call setModel(model)");
    this.disposeSnapshot();
    this.snapshot = this.model.getWeights().map((w) => tf.clone(w));
  }

  private disposeSnapshot(): void {
    if (this.snapshot) tf.dispose(this.snapshot);
    this.snapshot = null;
  }
}

/**
 * Early stopping (Goodfellow et al. §7.8, algorithm 7.1): stops when `monitor` has not improved by more than
 * `minDelta` for `patience` epochs and, by default, restores the weights of the best epoch when training ends.
 * Use it as a callback of kernel-lib's `fit` (pass `model`), as `.asTfjsCallback()` in tfjs's `model.fit`, or by
 * hand with `begin` / `observe` / `end`. After training, read `bestEpoch`, `bestValue` and `stoppedEpoch`.
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}
