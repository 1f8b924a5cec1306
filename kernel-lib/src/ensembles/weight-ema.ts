/**
 * An exponential moving average of the weights during training (Polyak & Juditsky 1992 averaging in its exponential
 * form; Kingma & Ba 2015, §7.2 "temporal averaging"; TensorFlow's ExponentialMovingAverage): after every optimizer
 * step t ≥ `startStep` (every `every` steps),
 *
 *     θ̄ ← δ·θ̄ + (1 − δ)·θ_t,      δ = `decay` in [0, 1),
 *
 * with θ̄ = θ until `startStep` (so no bias correction is needed: the average starts from real weights, not from 0).
 * The average weighs the last ≈ 1/(1 − δ) steps; it is parameter averaging along one run, like averaging snapshots
 * but continuous. The model trains on θ; θ̄ is a shadow copy that `copyTo(model)` puts into a model for evaluation.
 *
 * Every weight is averaged, batch-norm running statistics included; those averaged statistics are not the averaged
 * network's own: recompute them with `recomputeBatchNormStatistics(model, x)` after `copyTo`.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkNumber, invalidArgument } from "../errors";
import type { TrainingCallbacks } from "../training/fit";
import { tfjsCallback } from "../training/tfjs-callback";

export interface WeightEmaOptions {
  /** δ in [0, 1), the weight of the old average. Default 0.99 (an average over the last ≈ 100 steps). */
  decay?: number;
  /** First step (1-based) whose weights are averaged in; before it the average equals the weights. Default 1. */
  startStep?: number;
  /** Average every `every` steps (from `startStep`). Default 1. */
  every?: number;
  /** The model trained. kernel-lib's `fit` does not hand callbacks the model: pass it here or call `setModel`. */
  model?: tf.LayersModel;
}

/** The moving average of a model's weights. A kernel-lib `fit` callback; `asTfjsCallback()` for tfjs's `model.fit`. */
export class WeightEma implements TrainingCallbacks {
  readonly decay: number;
  readonly startStep: number;
  readonly every: number;
  /** Steps seen in this run. */
  step = 0;
  /** Steps averaged in so far (with the δ update). */
  updates = 0;
  private model: tf.LayersModel | undefined;
  private average: tf.Tensor[] | null = null;

  constructor(options: WeightEmaOptions = {}) {
    const fn = "weightEma";
    this.decay = checkNumber(fn, "options.decay", options.decay ?? 0.99, 0);
    if (this.decay >= 1) invalidArgument(fn, "options.decay", this.decay, "a number in [0, 1) (δ = 1 would never move)");
    this.startStep = checkInteger(fn, "options.startStep", options.startStep ?? 1, 1);
    this.every = checkInteger(fn, "options.every", options.every ?? 1, 1);
    this.model = options.model;
  }

  setModel(model: tf.LayersModel): void {
    this.model = model;
  }

  /** The averaged weights in `model.getWeights()` order (owned by this object; null before training starts). */
  get averagedWeights(): tf.Tensor[] | null {
    return this.average;
  }

  /** Starts a run: the average restarts from the model's current weights. */
  begin(): void {
    const model = this.requireModel();
    this.dispose();
    this.step = 0;
    this.updates = 0;
    this.average = model.getWeights().map((w) => tf.clone(w));
  }

  /** Records one optimizer step and updates the average (module comment). */
  endStep(): void {
    const model = this.requireModel();
    if (this.average === null) this.begin();
    this.step += 1;
    const weights = model.getWeights();
    if (this.step < this.startStep) {
      this.replace(weights.map((w) => tf.clone(w)));
    } else if ((this.step - this.startStep) % this.every === 0) {
      const old = this.average!;
      this.replace(tf.tidy(() => old.map((a, i) => tf.add(tf.mul(a, this.decay), tf.mul(weights[i]!, 1 - this.decay)))));
      this.updates += 1;
    }
  }

  /**
   * Sets `target`'s weights (default: the trained model) to the average. This overwrites them: to go on training
   * from the unaveraged weights, keep clones of `model.getWeights()` first and set them back.
   */
  copyTo(target?: tf.LayersModel): void {
    const model = target ?? this.requireModel();
    if (this.average === null) throw new Error("weightEma.copyTo: no average yet; train with the callback first");
    model.setWeights(this.average);
  }

  /** Frees the average. */
  dispose(): void {
    if (this.average) tf.dispose(this.average);
    this.average = null;
  }

  onTrainBegin(): void {
    this.begin();
  }

  onBatchEnd(): void {
    this.endStep();
  }

  /** The same average as a `tf.Callback` for tfjs's `model.fit`. */
  asTfjsCallback(): tf.Callback {
    return tfjsCallback({ setModel: (model) => this.setModel(model), onTrainBegin: () => this.begin(), onBatchEnd: () => this.endStep() });
  }

  private replace(next: tf.Tensor[]): void {
    if (this.average) tf.dispose(this.average);
    this.average = next;
  }

  private requireModel(): tf.LayersModel {
    if (!this.model) throw new Error("weightEma: no model; pass options.model (kernel-lib's fit does not hand callbacks the model) or call setModel(model)");
    return this.model;
  }
}

/** An exponential moving average of the weights during training, θ̄ ← δθ̄ + (1 − δ)θ (module comment). */
export function weightEma(options: WeightEmaOptions = {}): WeightEma {
  return new WeightEma(options);
}
