/**
 * The two ways to use the validation data for training after early stopping (Goodfellow, Bengio & Courville,
 * *Deep Learning*, §7.8; lecture 002). Early stopping (algorithm 7.1) holds out a validation set to choose when to
 * stop; once that choice is made, the held-out examples can still teach the model something.
 *
 * Algorithm 7.2, retrain: split the training data into subtrain and validation, run early stopping to find the best
 * number of epochs i*, then train a freshly initialized model on subtrain ∪ validation for i* epochs (or for the same
 * number of parameter updates: the book notes there is no obviously right choice, since each pass over the larger set
 * makes more updates).
 *
 * Algorithm 7.3, continue: keep the parameters θ* that early stopping returned, record the subtrain loss
 * ε = J(θ*; subtrain), then train on subtrain ∪ validation until the loss on the validation part falls below ε. It
 * avoids the cost of retraining, but the target may never be reached, hence the `maxEpochs` guard.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkNumber, checkOneOf, invalidArgument } from "../errors";
import { fit, type History, type TrainingCallbacks } from "./fit";

/** A `[features, targets]` pair. */
export type LabeledTensors = [tf.Tensor, tf.Tensor];

function checkDataset(fn: string, name: string, data: unknown): LabeledTensors {
  if (!Array.isArray(data) || data.length !== 2 || !(data[0] instanceof tf.Tensor) || !(data[1] instanceof tf.Tensor)) {
    invalidArgument(fn, name, data, "a [features, targets] pair of tensors");
  }
  return data as LabeledTensors;
}

/** subtrain ∪ validation, concatenated along the examples axis (the caller disposes the two tensors). */
function concatenate(fn: string, train: LabeledTensors, validation: LabeledTensors): LabeledTensors {
  for (let i = 0; i < 2; i++) {
    const [a, b] = [train[i]!, validation[i]!];
    if (a.rank !== b.rank || a.shape.slice(1).some((d, k) => d !== b.shape[k + 1])) {
      invalidArgument(fn, `validation[${i}].shape`, b.shape, `[n, ${a.shape.slice(1).join(", ")}] (the shape of train[${i}] past the first axis)`);
    }
  }
  return [tf.concat([train[0], validation[0]]), tf.concat([train[1], validation[1]])];
}

function toList(callbacks: TrainingCallbacks | TrainingCallbacks[] | undefined): TrainingCallbacks[] {
  return callbacks === undefined ? [] : Array.isArray(callbacks) ? callbacks : [callbacks];
}

export interface RetrainOptions {
  /** Makes a fresh, compiled model with a new random initialization (called once). */
  createModel: () => tf.LayersModel;
  /** The subtrain set the early-stopping run trained on. */
  train: LabeledTensors;
  /** The validation set the early-stopping run monitored. */
  validation: LabeledTensors;
  /** i*, the best epoch of the early-stopping run (`EarlyStopping.bestEpoch`), an integer ≥ 0. */
  bestEpoch: number;
  /**
   * `"epochs"` (default): i* passes over subtrain ∪ validation. `"steps"`: as many parameter updates as i* epochs on
   * subtrain made, i* · ⌈n_subtrain / batchSize⌉ (so fewer passes over the larger set; the last one may be partial).
   */
  match?: "epochs" | "steps";
  /** Mini-batch size, the same as in the early-stopping run. Default 32. */
  batchSize?: number;
  /** Seed of the shuffling. */
  seed?: number;
  callbacks?: TrainingCallbacks | TrainingCallbacks[];
}

export interface RetrainResult {
  /** The retrained model (the caller disposes it). */
  model: tf.LayersModel;
  history: History;
  /** Epochs started on subtrain ∪ validation (the last one partial when matching steps). */
  epochs: number;
  /** Parameter updates made. */
  steps: number;
}

/**
 * Algorithm 7.2 of Goodfellow et al. (§7.8): trains a fresh model from `createModel()` on `train` ∪ `validation` for
 * the number of epochs (or updates, `match: "steps"`) that early stopping chose, `bestEpoch`.
 */
export async function retrainOnAllData(options: RetrainOptions): Promise<RetrainResult> {
  const fn = "retrainOnAllData";
  if (typeof options.createModel !== "function") invalidArgument(fn, "options.createModel", options.createModel, "a function returning a compiled model");
  const train = checkDataset(fn, "options.train", options.train);
  const validation = checkDataset(fn, "options.validation", options.validation);
  const bestEpoch = checkInteger(fn, "options.bestEpoch", options.bestEpoch, 0);
  const match = checkOneOf(fn, "options.match", options.match ?? "epochs", ["epochs", "steps"] as const);
  const batchSize = checkInteger(fn, "options.batchSize", options.batchSize ?? 32, 1);
  const nTrain = train[0].shape[0]!;
  const nAll = nTrain + validation[0].shape[0]!;
  const stepsPerEpochAll = Math.ceil(nAll / batchSize);
  const steps = match === "epochs" ? bestEpoch * stepsPerEpochAll : bestEpoch * Math.ceil(nTrain / batchSize);
  const epochs = Math.ceil(steps / stepsPerEpochAll);
  const [x, y] = concatenate(fn, train, validation);
  const model = options.createModel();
  let done = 0;
  const stopAtSteps: TrainingCallbacks = {
    onBatchEnd(logs) {
      done = logs.step;
      if (logs.step >= steps) model.stopTraining = true;
    },
  };
  try {
    const history = await fit(model, x, y, { epochs, batchSize, seed: options.seed, callbacks: [stopAtSteps, ...toList(options.callbacks)] });
    return { model, history, epochs, steps: done };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose([x, y]);
  }
}

export interface ContinueOptions {
  /** The subtrain set the early-stopping run trained on. */
  train: LabeledTensors;
  /** The validation set the early-stopping run monitored. */
  validation: LabeledTensors;
  /** Most epochs to train before giving up (the target may never be reached), an integer ≥ 0. */
  maxEpochs: number;
  /**
   * ε, the loss to get under. Default: the model's loss on `train` as handed in, J(θ*; subtrain), by `model.evaluate`
   * (the book's definition). The training loss logged at the best epoch (an average over that epoch's batches) is an
   * alternative: pass it here.
   */
  targetLoss?: number;
  /** Mini-batch size. Default 32. */
  batchSize?: number;
  /** Seed of the shuffling. */
  seed?: number;
  callbacks?: TrainingCallbacks | TrainingCallbacks[];
}

export interface ContinueResult {
  history: History;
  /** Epochs trained on subtrain ∪ validation (0 when the validation loss was already below the target). */
  epochs: number;
  /** ε, the target. */
  targetLoss: number;
  /** The validation loss at the end (after the last epoch, or before training when none ran). */
  validationLoss: number;
  /** Whether the validation loss got below ε within `maxEpochs`. */
  reached: boolean;
}

function evaluateLoss(model: tf.LayersModel, [x, y]: LabeledTensors, batchSize: number): number {
  const result = model.evaluate(x, y, { batchSize: Math.max(batchSize, 256) });
  const first = Array.isArray(result) ? result[0]! : result;
  const value = first.dataSync()[0]!;
  tf.dispose(result);
  return value;
}

/**
 * Algorithm 7.3 of Goodfellow et al. (§7.8): keeps training `model` (the early-stopped model, best weights restored)
 * on `train` ∪ `validation`, checking after each epoch, until its loss on `validation` is below ε (the subtrain loss
 * at the stopping point), or `maxEpochs` epochs have run. The condition is checked before the first epoch too, as in
 * the book's while loop. The model is changed in place.
 */
export async function continueUntilBelow(model: tf.LayersModel, options: ContinueOptions): Promise<ContinueResult> {
  const fn = "continueUntilBelow";
  const train = checkDataset(fn, "options.train", options.train);
  const validation = checkDataset(fn, "options.validation", options.validation);
  const maxEpochs = checkInteger(fn, "options.maxEpochs", options.maxEpochs, 0);
  const batchSize = checkInteger(fn, "options.batchSize", options.batchSize ?? 32, 1);
  const targetLoss = options.targetLoss === undefined ? evaluateLoss(model, train, batchSize) : checkNumber(fn, "options.targetLoss", options.targetLoss);
  const before = evaluateLoss(model, validation, batchSize);
  if (before < targetLoss || maxEpochs === 0) {
    return { history: { epochs: [], metricNames: model.metricsNames.slice() }, epochs: 0, targetLoss, validationLoss: before, reached: before < targetLoss };
  }
  const [x, y] = concatenate(fn, train, validation);
  const stopBelowTarget: TrainingCallbacks = {
    onEpochEnd(logs) {
      if (logs.val_loss! < targetLoss) model.stopTraining = true;
    },
  };
  try {
    const history = await fit(model, x, y, {
      epochs: maxEpochs,
      batchSize,
      seed: options.seed,
      validationData: validation,
      callbacks: [stopBelowTarget, ...toList(options.callbacks)],
    });
    const validationLoss = history.epochs[history.epochs.length - 1]!.val_loss!;
    return { history, epochs: history.epochs.length, targetLoss, validationLoss, reached: validationLoss < targetLoss };
  } finally {
    tf.dispose([x, y]);
  }
}
