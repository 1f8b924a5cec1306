/**
 * One training described as plain data, and the code that runs it. The same `runTrainingTask` runs in a pool's
 * worker and in the main thread (`trainSequential`), so for the same task and seed both give the same weights bit
 * for bit on the same backend: the pool changes where a training runs, never what it computes.
 *
 * What a task's seed decides (drawn in this order from `new Rng(seed)`): first the shuffling seed of `fit` (unless
 * `fit.seed` is given), then one seed per initializer of the topology (see `seedInitializers`). Randomness that no
 * seed reaches (a Dropout layer without a seed draws from Math.random) is not reproducible, in a worker or not.
 */
import { threadId } from "worker_threads";
import * as tf from "@tensorflow/tfjs";
import { checkInteger, invalidArgument } from "../errors";
import { Rng } from "../random";
import { disposeOptimizer } from "../optimizers/dispose-optimizer";
import { type EpochLogs, type History, fit } from "../training/fit";
import { type OptimizerSpec, buildOptimizer, checkOptimizer } from "./optimizer-spec";
import { type NamedPlainTensor, type PlainTensor, checkPlainTensor, fromPlainTensor, modelWeights, toPlainTensor } from "./plain-tensor";
import { type ModelTopology, buildModel, parseTopology, seedInitializers, setModelWeights } from "./topology";

/** How the model is compiled: what `model.compile` takes, as plain data. */
export interface CompileSpec {
  /** A tfjs optimizer name (`"adam"`, tfjs's defaults) or a spec: `optimizerSpec(tf.train.sgd(0.1))`. */
  optimizer: string | OptimizerSpec;
  /** A tfjs loss name, e.g. `"categoricalCrossentropy"`, `"meanSquaredError"`. */
  loss: string;
  /** tfjs metric names, e.g. `["accuracy"]`. */
  metrics?: string[];
}

/** The examples of a task. Share one `x` between tasks (same array object): the pool sends it once, as shared memory. */
export interface TrainingData {
  x: PlainTensor;
  y: PlainTensor;
  /** Rows of `x`/`y` to train on, in any order and with repeats (a bootstrap sample for bagging). All rows if left out. */
  indices?: Int32Array;
  /** Evaluated after every epoch; reported as `val_loss`, `val_acc`, ... */
  validation?: { x: PlainTensor; y: PlainTensor };
}

/** kernel-lib `fit` options that are plain data. */
export interface TaskFitOptions {
  epochs: number;
  /** Default 32. */
  batchSize?: number;
  /** Default true. */
  shuffle?: boolean;
  /** Seed of the per-epoch shuffling; drawn from the task's seed when left out. */
  seed?: number;
}

/** One training: a model, how to compile it, its data, how to fit, and its seed. */
export interface TrainingTask {
  /** The architecture: `modelTopology(model)` (= `model.toJSON(null, false)`) or the string `model.toJSON()`. */
  model: ModelTopology;
  compile: CompileSpec;
  data: TrainingData;
  fit: TaskFitOptions;
  /**
   * Seed of everything random in the task: the initial weights (every initializer of the topology is reseeded from
   * it) and the shuffling. Left out, one is drawn from the global stream (`nextSeed()`) when the task is submitted.
   */
  seed?: number;
  /** Start from these weights instead of the seeded initializers' (e.g. `modelWeights(model)`: the same start for every task). */
  initialWeights?: NamedPlainTensor[];
  /** Inputs to predict on with the trained model; the result then holds `predictions`. */
  predict?: PlainTensor;
}

/** What a training returns, as plain data. */
export interface TrainingResult {
  /** The task's position in the list it was submitted with. */
  index: number;
  /** The seed the task ran with (given, or drawn at submission). */
  seed: number;
  /** The trained weights, in `model.weights` order; `restoreModel(task.model, weights)` rebuilds the model. */
  weights: NamedPlainTensor[];
  history: History;
  /** The trained model's outputs on `task.predict`. */
  predictions?: PlainTensor;
  /** The thread that ran the task: 0 for the main thread, a worker's `threadId` otherwise. */
  threadId: number;
}

/** Checks a task's fields (types, shapes, ranges) so that a bad one fails before any training starts. */
export function checkTrainingTask(fn: string, name: string, task: unknown): TrainingTask {
  const t = task as Partial<TrainingTask> | null;
  if (t === null || typeof t !== "object") invalidArgument(fn, name, task, "a training task { model, compile, data, fit, seed? }");
  parseTopology(fn, `${name}.model`, t.model);
  if (t.compile === null || typeof t.compile !== "object") invalidArgument(fn, `${name}.compile`, t.compile, "{ optimizer, loss, metrics? }");
  checkOptimizer(fn, `${name}.compile.optimizer`, t.compile.optimizer);
  if (typeof t.compile.loss !== "string") invalidArgument(fn, `${name}.compile.loss`, t.compile.loss, 'a tfjs loss name such as "categoricalCrossentropy"');
  if (t.compile.metrics !== undefined && (!Array.isArray(t.compile.metrics) || !t.compile.metrics.every((m) => typeof m === "string"))) {
    invalidArgument(fn, `${name}.compile.metrics`, t.compile.metrics, "an array of tfjs metric names");
  }
  if (t.data === null || typeof t.data !== "object") invalidArgument(fn, `${name}.data`, t.data, "{ x, y, indices?, validation? }");
  const x = checkPlainTensor(fn, `${name}.data.x`, t.data.x);
  const y = checkPlainTensor(fn, `${name}.data.y`, t.data.y);
  const rows = x.shape[0];
  if (rows === undefined || rows === 0) invalidArgument(fn, `${name}.data.x.shape`, x.shape, "at least one example along axis 0");
  if (y.shape[0] !== rows) invalidArgument(fn, `${name}.data.y.shape[0]`, y.shape[0], `${rows} (as many targets as x has examples)`);
  if (t.data.indices !== undefined) {
    if (!(t.data.indices instanceof Int32Array) || t.data.indices.length === 0)
      invalidArgument(fn, `${name}.data.indices`, t.data.indices, "a non-empty Int32Array");
    const bad = t.data.indices.findIndex((i) => i < 0 || i >= rows);
    if (bad >= 0) checkInteger(fn, `${name}.data.indices[${bad}]`, t.data.indices[bad], 0, rows - 1);
  }
  if (t.data.validation !== undefined) {
    const xv = checkPlainTensor(fn, `${name}.data.validation.x`, t.data.validation.x);
    const yv = checkPlainTensor(fn, `${name}.data.validation.y`, t.data.validation.y);
    if (xv.shape[0] !== yv.shape[0]) invalidArgument(fn, `${name}.data.validation.y.shape[0]`, yv.shape[0], `${xv.shape[0]} (as many as validation.x)`);
  }
  if (t.fit === null || typeof t.fit !== "object") invalidArgument(fn, `${name}.fit`, t.fit, "{ epochs, batchSize?, shuffle?, seed? }");
  checkInteger(fn, `${name}.fit.epochs`, t.fit.epochs, 0);
  if (t.fit.batchSize !== undefined) checkInteger(fn, `${name}.fit.batchSize`, t.fit.batchSize, 1);
  if (t.fit.seed !== undefined) checkInteger(fn, `${name}.fit.seed`, t.fit.seed);
  if (t.seed !== undefined) checkInteger(fn, `${name}.seed`, t.seed);
  t.initialWeights?.forEach((w, i) => checkPlainTensor(fn, `${name}.initialWeights[${i}]`, w));
  if (t.predict !== undefined) checkPlainTensor(fn, `${name}.predict`, t.predict);
  return t as TrainingTask;
}

/** The training examples as tensors: all rows, or the rows `indices` picks. The caller disposes them. */
function trainingTensors(data: TrainingData): [tf.Tensor, tf.Tensor] {
  const x = fromPlainTensor(data.x);
  const y = fromPlainTensor(data.y);
  if (data.indices === undefined) return [x, y];
  try {
    return tf.tidy(() => {
      const rows = tf.tensor1d(data.indices!, "int32");
      return [tf.gather(x, rows), tf.gather(y, rows)];
    });
  } finally {
    tf.dispose([x, y]);
  }
}

/**
 * Runs one training task in this thread: builds the model from the topology with the seeds drawn from `seed`,
 * compiles it, fits it with kernel-lib's `fit`, and returns the weights, history and predictions as plain data.
 * Frees every tensor it made. `onEpochEnd` sees each epoch's logs (for progress displays).
 */
export async function runTrainingTask(task: TrainingTask, index: number, seed: number, onEpochEnd?: (logs: EpochLogs) => void): Promise<TrainingResult> {
  const stream = new Rng(seed);
  const shuffleSeed = stream.nextSeed();
  const topology = seedInitializers(parseTopology("runTrainingTask", "task.model", task.model), stream);
  const model = await buildModel(topology);
  const owned: tf.Tensor[] = [];
  let optimizer: tf.Optimizer | null = null;
  try {
    if (task.initialWeights) setModelWeights(model, task.initialWeights);
    const spec = task.compile.optimizer;
    optimizer = typeof spec === "string" ? null : buildOptimizer(spec);
    model.compile({ optimizer: optimizer ?? (spec as string), loss: task.compile.loss, metrics: task.compile.metrics ?? [] });
    const [x, y] = trainingTensors(task.data);
    owned.push(x, y);
    let validationData: [tf.Tensor, tf.Tensor] | undefined;
    if (task.data.validation) {
      validationData = [fromPlainTensor(task.data.validation.x), fromPlainTensor(task.data.validation.y)];
      owned.push(...validationData);
    }
    const batchSize = task.fit.batchSize ?? 32;
    const history = await fit(model, x, y, {
      epochs: task.fit.epochs,
      batchSize,
      shuffle: task.fit.shuffle ?? true,
      seed: task.fit.seed ?? shuffleSeed,
      validationData,
      callbacks: onEpochEnd ? { onEpochEnd: (logs) => onEpochEnd({ ...logs }) } : [],
    });
    const result: TrainingResult = { index, seed, weights: modelWeights(model), history, threadId };
    if (task.predict) result.predictions = predictPlain(model, task.predict, Math.max(batchSize, 256));
    return result;
  } finally {
    tf.dispose(owned);
    model.dispose();
    disposeOptimizer(optimizer);
  }
}

/** The model's single output on `inputs`, as plain data. */
function predictPlain(model: tf.LayersModel, inputs: PlainTensor, batchSize: number): PlainTensor {
  const x = fromPlainTensor(inputs);
  try {
    const output = model.predict(x, { batchSize });
    try {
      if (Array.isArray(output)) invalidArgument("runTrainingTask", "task.predict", `a model with ${output.length} outputs`, "a model with one output");
      return toPlainTensor(output);
    } finally {
      tf.dispose(output);
    }
  } finally {
    x.dispose();
  }
}
