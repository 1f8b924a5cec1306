/**
 * Freezing layers for transfer learning (lecture 000 "Multitask and transfer learning": with little target data,
 * "train a new linear layer at the output of the pre-trained network"; with more, "tune more of the layers"): a frozen
 * layer's weights are not updated by training, θ_frozen(t) = θ_frozen(0).
 *
 * When it takes effect (tfjs 4.22, checked in the tests): `layer.trainable = false` also marks the layer's
 * variables non-trainable, and `tf.variableGrads` (under every optimizer's `minimize`) skips non-trainable variables,
 * so freezing works at once, compiled or not. Unfreezing does not: `model.compile` fixes the list of weights
 * `trainOnBatch` (kernel-lib's `fit`, tfjs's `model.fit`) differentiates to the layers trainable at that moment, so
 * a layer frozen when the model was compiled stays frozen until `model.compile` runs again. Freeze before
 * compiling, and compile again after unfreezing.
 *
 * Batch norm is not frozen by this: a frozen batch-norm layer (tfjs's or kernel-lib's) keeps γ and β, but in training
 * mode it still normalizes with the batch's statistics and still updates its running mean and variance (checked in
 * the tests). To keep a pretrained trunk's statistics, note them before training (`layer.getWeights()`) and set them
 * back, or train the new head on the trunk's outputs computed once in inference mode (`trunk.predict(x)`).
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, describeValue, invalidArgument } from "../errors";

/** Which layers: their names, or a count n meaning the first n layers of `model.layers` (input layers not counted). */
export type LayerSelection = readonly string[] | number;

function selectLayers(fn: string, model: tf.LayersModel, which: LayerSelection): tf.layers.Layer[] {
  if (!(model instanceof tf.LayersModel)) invalidArgument(fn, "model", model, "a tf.LayersModel");
  const layers = model.layers.filter((layer) => layer.getClassName() !== "InputLayer");
  if (typeof which === "number") {
    const count = checkInteger(fn, "which", which, 0, layers.length);
    return layers.slice(0, count);
  }
  if (!Array.isArray(which) || which.some((name) => typeof name !== "string")) {
    invalidArgument(fn, "which", which, "an array of layer names or a number of leading layers");
  }
  return which.map((name) => {
    const layer = layers.find((l) => l.name === name);
    if (layer === undefined) invalidArgument(fn, "which", name, `a layer name of the model: one of ${describeValue(layers.map((l) => l.name))}`);
    return layer;
  });
}

/**
 * Freezes layers (`layer.trainable = false`): the named ones, or the first `which` layers. Returns the names of the
 * frozen layers. Takes effect at once, before or after `model.compile` (module comment).
 */
export function freezeLayers(model: tf.LayersModel, which: LayerSelection): string[] {
  const layers = selectLayers("freezeLayers", model, which);
  for (const layer of layers) layer.trainable = false;
  return layers.map((layer) => layer.name);
}

/**
 * Unfreezes layers (`layer.trainable = true`), e.g. to fine-tune everything after training a new head. Compile the
 * model again afterwards: a layer frozen at the last `model.compile` is not trained until then (module comment).
 */
export function unfreezeLayers(model: tf.LayersModel, which: LayerSelection): string[] {
  const layers = selectLayers("unfreezeLayers", model, which);
  for (const layer of layers) layer.trainable = true;
  return layers.map((layer) => layer.name);
}
