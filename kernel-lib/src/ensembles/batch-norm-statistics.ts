/**
 * Recomputing batch-norm running statistics after the weights changed without training: after parameter averaging
 * (snapshots, an exponential moving average of the weights) the running mean and variance are averages of the
 * members' statistics, not the statistics of the averaged network's activations, and using them at inference shifts
 * every normalized unit. Izmailov et al. 2018 (SWA) fix this with one pass over the training data; so does this.
 *
 * For each batch-norm layer, in the model's layer order (upstream layers first, so that a layer sees inputs
 * normalized with the already recomputed statistics of the layers before it), the inputs x of the layer on the
 * whole data set, computed in inference mode, give per feature f (over all other axes: examples, and positions of a
 * conv feature map; n values per feature)
 *
 *     movingMean_f     = (1/n) Σ x_f
 *     movingVariance_f = (1/n) Σ (x_f − movingMean_f)²            (tf.layers.batchNormalization, kernel-lib
 *                                                                   BatchNorm with inferenceVariance "smoothed")
 *                      = (1/(n−1)) Σ (x_f − movingMean_f)²        (kernel-lib BatchNorm, inferenceVariance "unbiased")
 *
 * the exact statistics of the data set (accumulated batch by batch with Chan et al.'s pairwise update, in float64),
 * not a momentum-smoothed estimate. Handles tfjs's `tf.layers.batchNormalization` and kernel-lib's `BatchNorm` among
 * the top-level layers of a model; a batch-norm layer inside a nested model or used at two places is refused.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, invalidArgument } from "../errors";
import { BatchNorm } from "../normalizers/batch-norm/layer";

/** What was recomputed for one batch-norm layer. */
export interface RecomputedBatchNorm {
  /** The layer's name. */
  layer: string;
  /** Values averaged per feature: examples × positions (1 position for a dense layer's output). */
  count: number;
  /** The variance estimator written: "biased" (÷ n) or "unbiased" (÷ (n − 1)). */
  variance: "biased" | "unbiased";
}

/** Whether a layer is a batch-norm layer this module handles: tfjs's BatchNormalization or kernel-lib's BatchNorm. */
export function isBatchNormLayer(layer: tf.layers.Layer): boolean {
  return layer instanceof BatchNorm || layer.getClassName() === "BatchNormalization";
}

function containsBatchNorm(layer: tf.layers.Layer): boolean {
  if (isBatchNormLayer(layer)) return true;
  const inner = (layer as unknown as { layers?: tf.layers.Layer[] }).layers;
  return Array.isArray(inner) && inner.some(containsBatchNorm);
}

/** The layer's feature axis (non-negative) for inputs of rank `rank`. */
function featureAxis(layer: tf.layers.Layer, rank: number): number {
  const axis = layer instanceof BatchNorm ? layer.axis : (layer.getConfig()["axis"] as unknown);
  const resolved = typeof axis === "number" && Number.isInteger(axis) ? (axis < 0 ? axis + rank : axis) : NaN;
  if (!(resolved >= 1 && resolved < rank)) {
    invalidArgument(
      "recomputeBatchNormStatistics",
      `layer "${layer.name}" axis`,
      axis,
      `one feature axis other than the batch axis, for inputs of rank ${rank}`,
    );
  }
  return resolved;
}

function runningVariable(layer: tf.layers.Layer, kind: "moving_mean" | "moving_variance"): tf.LayerVariable {
  const variable = layer.weights.find((w) => w.originalName === kind || w.originalName.endsWith(`/${kind}`));
  if (variable === undefined) throw new Error(`recomputeBatchNormStatistics: layer "${layer.name}" has no ${kind} weight; is it built?`);
  return variable;
}

/** Running count, mean and sum of squared deviations per feature (Chan, Golub & LeVeque 1979). */
class MomentAccumulator {
  count = 0;
  mean: Float64Array;
  sumSquares: Float64Array;
  constructor(features: number) {
    this.mean = new Float64Array(features);
    this.sumSquares = new Float64Array(features);
  }
  /** Adds a batch of `count` values per feature with the given per-feature mean and biased variance. */
  add(count: number, mean: ArrayLike<number>, variance: ArrayLike<number>): void {
    const total = this.count + count;
    for (let f = 0; f < this.mean.length; f++) {
      const delta = mean[f]! - this.mean[f]!;
      this.mean[f]! += (delta * count) / total;
      this.sumSquares[f]! += variance[f]! * count + (delta * delta * this.count * count) / total;
    }
    this.count = total;
  }
}

/**
 * Sets every batch-norm layer's running mean and variance to the statistics of its inputs on `x` (module comment),
 * computed in inference mode, `options.batchSize` examples at a time (default 256). Other weights are untouched.
 * Returns what was recomputed, one entry per batch-norm layer (none for a model without batch norm).
 */
export function recomputeBatchNormStatistics(model: tf.LayersModel, x: tf.Tensor, options: { batchSize?: number } = {}): RecomputedBatchNorm[] {
  const fn = "recomputeBatchNormStatistics";
  if (!(model instanceof tf.LayersModel)) invalidArgument(fn, "model", model, "a tf.LayersModel");
  if (!(x instanceof tf.Tensor) || x.rank < 1 || x.shape[0] === 0)
    invalidArgument(fn, "x", x instanceof tf.Tensor ? `shape [${x.shape}]` : x, "a tensor with at least one example");
  if (model.inputs.length !== 1) invalidArgument(fn, "model.inputs.length", model.inputs.length, "1 (a model with one input)");
  const batchSize = checkInteger(fn, "options.batchSize", options.batchSize ?? 256, 1);
  const n = x.shape[0];
  const report: RecomputedBatchNorm[] = [];
  for (const layer of model.layers) {
    if (!isBatchNormLayer(layer)) {
      if (containsBatchNorm(layer))
        invalidArgument(fn, `layer "${layer.name}"`, "a nested model with batch norm", "batch-norm layers at the model's top level");
      continue;
    }
    if (layer.inboundNodes.length !== 1) invalidArgument(fn, `layer "${layer.name}" call sites`, layer.inboundNodes.length, "1 (a layer used once)");
    const input = layer.input as tf.SymbolicTensor;
    // Not disposed: it owns no weights (it shares the model's layers), and disposing it would release them.
    const upstream = model.inputs.includes(input) ? null : tf.model({ inputs: model.inputs, outputs: input });
    const rank = input.shape.length;
    const axis = featureAxis(layer, rank);
    const reduce = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis);
    const features = input.shape[axis]!;
    const moments = new MomentAccumulator(features);
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      let perFeature = 0;
      const [mean, variance] = tf.tidy(() => {
        const batch = tf.slice(x, start, size);
        const inputs = upstream === null ? batch : (upstream.predict(batch) as tf.Tensor);
        perFeature = inputs.size / features;
        const m = tf.moments(inputs, reduce);
        return [m.mean, m.variance];
      });
      moments.add(perFeature, mean!.dataSync(), variance!.dataSync());
      tf.dispose([mean!, variance!]);
    }
    const unbiased = layer instanceof BatchNorm && layer.inferenceVariance === "unbiased";
    const divisor = unbiased ? Math.max(1, moments.count - 1) : moments.count;
    const newMean = tf.tensor1d(Float32Array.from(moments.mean));
    const newVariance = tf.tensor1d(Float32Array.from(moments.sumSquares, (s) => s / divisor));
    try {
      runningVariable(layer, "moving_mean").write(newMean);
      runningVariable(layer, "moving_variance").write(newVariance);
    } finally {
      tf.dispose([newMean, newVariance]);
    }
    report.push({ layer: layer.name, count: moments.count, variance: unbiased ? "unbiased" : "biased" });
  }
  return report;
}
