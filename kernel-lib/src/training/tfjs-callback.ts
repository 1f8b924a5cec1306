/**
 * One adapter from kernel-lib's callback objects (early stopping, LR schedules, snapshot collectors, weight EMA) to
 * a `tf.Callback` for tfjs's `model.fit`. It translates tfjs's conventions into kernel-lib's: tfjs calls `setModel`
 * before training, numbers epochs from 0 (kernel-lib's `fit` from 1), and may pass epoch metrics as scalar tensors,
 * which are read here and not disposed (tfjs frees them itself).
 */
import * as tf from "@tensorflow/tfjs";

/** What a kernel-lib callback object does at each point of `model.fit`, in kernel-lib's conventions. */
export interface TfjsCallbackHooks {
  setModel(model: tf.LayersModel): void;
  onTrainBegin?(): void;
  /** `epoch` counts from 1. */
  onEpochBegin?(epoch: number): void;
  onBatchEnd?(): void;
  /** `epoch` counts from 1; `logs` holds the epoch's metrics as numbers. */
  onEpochEnd?(epoch: number, logs: Record<string, number>): void;
  onTrainEnd?(): void;
}

/** A `tf.Callback` that forwards tfjs's `model.fit` events to `hooks`. */
export function tfjsCallback(hooks: TfjsCallbackHooks): tf.Callback {
  class KernelLibCallback extends tf.Callback {
    override setModel(model: Parameters<tf.Callback["setModel"]>[0]): void {
      super.setModel(model);
      hooks.setModel(model as tf.LayersModel);
    }
    override async onTrainBegin(): Promise<void> {
      hooks.onTrainBegin?.();
    }
    override async onEpochBegin(epoch: number): Promise<void> {
      hooks.onEpochBegin?.(epoch + 1);
    }
    override async onBatchEnd(): Promise<void> {
      hooks.onBatchEnd?.();
    }
    override async onEpochEnd(epoch: number, logs?: Record<string, number | tf.Tensor>): Promise<void> {
      if (!hooks.onEpochEnd) return;
      const values: Record<string, number> = {};
      for (const [key, v] of Object.entries(logs ?? {})) values[key] = typeof v === "number" ? v : (await v.data())[0]!;
      hooks.onEpochEnd(epoch + 1, values);
    }
    override async onTrainEnd(): Promise<void> {
      hooks.onTrainEnd?.();
    }
  }
  return new KernelLibCallback();
}
