/**
 * The members' outputs on a data set, the input of every combining rule (`averageProbabilities`, `majorityVote`,
 * `evaluateEnsemble`, diversity): one [N, C] tensor per member, from separate models or from snapshots of one.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, invalidArgument } from "../errors";

function predictOne(fn: string, model: tf.LayersModel, x: tf.Tensor, batchSize: number): tf.Tensor {
  const output = model.predict(x, { batchSize });
  if (Array.isArray(output)) {
    tf.dispose(output);
    invalidArgument(fn, "model outputs", output.length, "1 (a model with a single output)");
  }
  return output;
}

function checkInputs(fn: string, x: unknown, batchSize: number | undefined): number {
  if (!(x instanceof tf.Tensor) || x.rank < 1 || x.shape[0] === 0)
    invalidArgument(fn, "x", x instanceof tf.Tensor ? `shape [${x.shape}]` : x, "a tensor with at least one example");
  return checkInteger(fn, "options.batchSize", batchSize ?? 256, 1);
}

/** Each model's prediction on `x` (inference mode), in member order; the caller disposes the tensors. */
export function memberPredictions(models: readonly tf.LayersModel[], x: tf.Tensor, options: { batchSize?: number } = {}): tf.Tensor[] {
  const fn = "memberPredictions";
  if (!Array.isArray(models) || models.length === 0) invalidArgument(fn, "models", models, "a non-empty array of models");
  models.forEach((m, i) => {
    if (!(m instanceof tf.LayersModel)) invalidArgument(fn, `models[${i}]`, m, "a tf.LayersModel");
  });
  const batchSize = checkInputs(fn, x, options.batchSize);
  const outputs: tf.Tensor[] = [];
  try {
    for (const model of models) outputs.push(predictOne(fn, model, x, batchSize));
  } catch (error) {
    tf.dispose(outputs);
    throw error;
  }
  return outputs;
}

/**
 * The prediction on `x` of each snapshot (a weight list in `model.getWeights()` order, e.g. `collector.weightLists`),
 * made by loading it into `model`; the model's own weights are put back afterwards. The caller disposes the tensors.
 */
export function snapshotPredictions(
  model: tf.LayersModel,
  weightLists: readonly (readonly tf.Tensor[])[],
  x: tf.Tensor,
  options: { batchSize?: number } = {},
): tf.Tensor[] {
  const fn = "snapshotPredictions";
  if (!(model instanceof tf.LayersModel)) invalidArgument(fn, "model", model, "a tf.LayersModel");
  if (!Array.isArray(weightLists) || weightLists.length === 0) invalidArgument(fn, "weightLists", weightLists, "a non-empty array of snapshots' weight lists");
  const shapes = model.weights.map((w) => w.shape.join(","));
  weightLists.forEach((list, i) => {
    if (
      !Array.isArray(list) ||
      list.length !== shapes.length ||
      list.some((t, j) => !(t instanceof tf.Tensor) || t.isDisposed || t.shape.join(",") !== shapes[j])
    )
      invalidArgument(
        fn,
        `weightLists[${i}]`,
        Array.isArray(list) ? `${list.length} tensors` : list,
        `${shapes.length} live tensors shaped like model.getWeights() (mismatched architecture?)`,
      );
  });
  const batchSize = checkInputs(fn, x, options.batchSize);
  const own = model.getWeights().map((w) => tf.clone(w));
  const outputs: tf.Tensor[] = [];
  try {
    for (const weights of weightLists) {
      model.setWeights(weights as tf.Tensor[]);
      outputs.push(predictOne(fn, model, x, batchSize));
    }
  } catch (error) {
    tf.dispose(outputs);
    throw error;
  } finally {
    model.setWeights(own);
    tf.dispose(own);
  }
  return outputs;
}
