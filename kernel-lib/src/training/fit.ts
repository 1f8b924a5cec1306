/**
 * A small training loop around `model.trainOnBatch`, with seeded shuffling (tfjs's own `fit` shuffles with
 * Math.random), callbacks at each batch and epoch, validation after each epoch and a history. It frees
 * every tensor it makes; the model's weights and its optimizer's state are the caller's.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, invalidArgument } from "../errors";
import { rng } from "../random";

/** Metrics of one epoch: `loss` and the model's metrics on the training batches (averaged), `val_*` on validation. */
export interface EpochLogs {
  epoch: number;
  [metric: string]: number;
}

export interface BatchLogs {
  epoch: number;
  batch: number;
  /** Steps done so far in the whole run (1-based). */
  step: number;
  loss: number;
  [metric: string]: number;
}

export interface History {
  /** One entry per finished epoch. */
  epochs: EpochLogs[];
  /** Metric names as the model reports them (`loss`, `acc`, ...). */
  metricNames: string[];
}

export interface TrainingCallbacks {
  onTrainBegin?(info: { epochs: number; stepsPerEpoch: number; metricNames: string[] }): void | Promise<void>;
  onBatchEnd?(logs: BatchLogs): void | Promise<void>;
  onEpochEnd?(logs: EpochLogs, history: History): void | Promise<void>;
  onTrainEnd?(history: History): void | Promise<void>;
}

export interface FitOptions {
  epochs: number;
  /** Default 32. The last batch of an epoch may be smaller. */
  batchSize?: number;
  /** Seed of the per-epoch shuffling. */
  seed?: number;
  /** Shuffle the examples each epoch. Default true. */
  shuffle?: boolean;
  /** `[x, y]` evaluated after every epoch, reported as `val_loss`, `val_acc`, ... */
  validationData?: [tf.Tensor, tf.Tensor];
  callbacks?: TrainingCallbacks | TrainingCallbacks[];
  /**
   * Maps each training batch's inputs just before its step (data augmentation); `fit` disposes what it returns.
   * Not applied to `validationData`.
   */
  transformBatch?: (xb: tf.Tensor, info: { epoch: number; batch: number; step: number }) => tf.Tensor;
}

function scalars(value: tf.Scalar | tf.Scalar[] | number | number[]): number[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (typeof v === "number" ? v : v.dataSync()[0]!));
}

/**
 * Trains `model` (compiled) on `x`, `y` for `epochs` epochs of mini-batches. Setting
 * `model.stopTraining = true` in a callback ends training after the current batch.
 */
export async function fit(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, options: FitOptions): Promise<History> {
  const epochs = checkInteger("fit", "options.epochs", options.epochs, 0);
  const batchSize = checkInteger("fit", "options.batchSize", options.batchSize ?? 32, 1);
  const n = x.shape[0];
  if (n === undefined || n === 0) invalidArgument("fit", "x.shape", x.shape, "at least one example along axis 0");
  if (y.shape[0] !== n) invalidArgument("fit", "y.shape[0]", y.shape[0], `${n} (as many targets as x has examples)`);
  if (options.validationData) {
    const [xv, yv] = options.validationData;
    if (xv.shape[0] !== yv.shape[0]) invalidArgument("fit", "options.validationData[1].shape[0]", yv.shape[0], `${xv.shape[0]} (as many as validationData[0])`);
  }
  if (!model.optimizer) throw new Error("fit: the model is not compiled; call model.compile({ optimizer, loss }) first");
  const callbacks = options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? options.callbacks : [options.callbacks];
  const metricNames = model.metricsNames.slice();
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const history: History = { epochs: [], metricNames };
  const stream = rng(options.seed);
  const shuffle = options.shuffle ?? true;

  model.stopTraining = false;
  for (const c of callbacks) await c.onTrainBegin?.({ epochs, stepsPerEpoch, metricNames });
  let step = 0;
  for (let epoch = 1; epoch <= epochs && !model.stopTraining; epoch++) {
    const order = shuffle ? stream.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
    const sums = new Array<number>(metricNames.length).fill(0);
    let seen = 0;
    for (let batch = 0; batch < stepsPerEpoch && !model.stopTraining; batch++) {
      const indices = order.subarray(batch * batchSize, Math.min(n, (batch + 1) * batchSize));
      const [xb, yb] = tf.tidy(() => {
        const index = tf.tensor1d(indices, "int32");
        return [tf.gather(x, index), tf.gather(y, index)];
      });
      let values: number[];
      let xt = xb;
      try {
        if (options.transformBatch) xt = options.transformBatch(xb, { epoch, batch, step: step + 1 });
        values = scalars(await model.trainOnBatch(xt, yb));
      } finally {
        tf.dispose([xb, yb]);
        if (xt !== xb) xt.dispose();
      }
      values.forEach((v, i) => (sums[i]! += v * indices.length));
      seen += indices.length;
      step += 1;
      const logs: BatchLogs = { epoch, batch, step, loss: values[0]! };
      metricNames.forEach((name, i) => (logs[name] = values[i]!));
      for (const c of callbacks) await c.onBatchEnd?.(logs);
    }
    const logs: EpochLogs = { epoch };
    metricNames.forEach((name, i) => (logs[name] = sums[i]! / seen));
    if (options.validationData) {
      const result = model.evaluate(options.validationData[0], options.validationData[1], { batchSize: Math.max(batchSize, 256) });
      const values = scalars(result);
      tf.dispose(result);
      metricNames.forEach((name, i) => (logs[`val_${name}`] = values[i]!));
    }
    history.epochs.push(logs);
    for (const c of callbacks) await c.onEpochEnd?.(logs, history);
  }
  for (const c of callbacks) await c.onTrainEnd?.(history);
  return history;
}

/**
 * The history as long-format rows for `lineChart`: `{ epoch, value, metric, split }`, where `metric` is
 * `loss`, `acc`, ... and `split` is `train` or `validation`.
 */
export function historyRows(history: History): { epoch: number; value: number; metric: string; split: string }[] {
  const rows: { epoch: number; value: number; metric: string; split: string }[] = [];
  for (const logs of history.epochs) {
    for (const name of history.metricNames) {
      if (logs[name] !== undefined) rows.push({ epoch: logs.epoch, value: logs[name]!, metric: name, split: "train" });
      if (logs[`val_${name}`] !== undefined) rows.push({ epoch: logs.epoch, value: logs[`val_${name}`]!, metric: name, split: "validation" });
    }
  }
  return rows;
}
