/**
 * Per-layer activation statistics, the diagnostics of Karpathy's "Building makemore part 3" and of the
 * lectures' 10-layer experiment (lecture 000, 003): how the distribution of each layer's output moves as
 * the signal goes deeper.
 * - mean and std of the layer's outputs over the batch;
 * - saturated: for tanh-like layers the share of outputs with |a| > 0.97 (the flat tails, where the
 *   derivative 1 − a² < 0.06), for sigmoid the share within 0.03 of 0 or 1 (derivative < 0.03);
 * - zero / dead: for ReLU the share of outputs that are exactly 0, and the share of units that are 0 for
 *   every example of the batch (dead units pass no gradient at all);
 * - a histogram of the outputs, for faceted plots.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkNumber } from "../errors";
import { activationName, forEachOutput, layersOf, type LayerStack } from "./layers";

export interface ActivationStats {
  index: number;
  layer: string;
  activation: string;
  mean: number;
  std: number;
  /** Share of saturated outputs (tanh, sigmoid, LeCun tanh), else null. */
  saturated: number | null;
  /** Share of outputs exactly 0 (ReLU-like layers), else null. */
  zero: number | null;
  /** Share of units that output 0 for every example in the batch (ReLU-like layers), else null. */
  deadUnits: number | null;
  /** The outputs themselves, for histograms (a copy; no tensor). */
  values: Float32Array;
}

export interface ActivationStatsOptions {
  /** |a| above this counts as saturated for tanh; sigmoid uses a < 1 − t or a > t. Default 0.97. */
  saturationThreshold?: number;
  /** Run layers in training mode (dropout, batch statistics). Default false. */
  training?: boolean;
  /** Keep at most this many output values per layer in `values`. Default 100,000. */
  maxValues?: number;
}

const TANH_LIKE = ["tanh", "softsign"];
const SIGMOID_LIKE = ["sigmoid", "hardSigmoid"];
const RELU_LIKE = ["relu", "relu6"];

/**
 * Feeds `x` through the layers and returns one record per layer. Frees every tensor it makes.
 * Layers whose class name contains "tanh" (e.g. a LeCun tanh layer) count as tanh-like, with its
 * asymptotes ±1.7159 scaled into the threshold.
 */
export function activationStats(network: LayerStack, x: tf.Tensor, options: ActivationStatsOptions = {}): ActivationStats[] {
  const layers = layersOf("activationStats", network);
  const threshold = checkNumber("activationStats", "options.saturationThreshold", options.saturationThreshold ?? 0.97, 0, 1);
  const maxValues = checkInteger("activationStats", "options.maxValues", options.maxValues ?? 100_000, 1);
  const stats: ActivationStats[] = [];
  tf.tidy(() => {
    forEachOutput(layers, x, options.training ?? false, (output, index) => {
      const layer = layers[index]!;
      const activation = activationName(layer);
      const flat = output.reshape([output.shape[0] ?? 1, -1]);
      const { mean, variance } = tf.moments(flat);
      const kind = activation.toLowerCase();
      let saturated: number | null = null;
      if (TANH_LIKE.includes(activation) || kind.includes("tanh")) {
        const limit = kind.includes("lecun") ? 1.7159 * threshold : threshold;
        saturated = tf.abs(flat).greater(limit).cast("float32").mean().dataSync()[0]!;
      } else if (SIGMOID_LIKE.includes(activation)) {
        saturated = tf
          .logicalOr(flat.less(1 - threshold), flat.greater(threshold))
          .cast("float32")
          .mean()
          .dataSync()[0]!;
      }
      let zero: number | null = null;
      let deadUnits: number | null = null;
      if (RELU_LIKE.includes(activation)) {
        const isZero = flat.equal(0);
        zero = isZero.cast("float32").mean().dataSync()[0]!;
        deadUnits = isZero.all(0).cast("float32").mean().dataSync()[0]!;
      }
      const all = flat.dataSync() as Float32Array;
      stats.push({
        index,
        layer: layer.name,
        activation,
        mean: mean.dataSync()[0]!,
        std: Math.sqrt(variance.dataSync()[0]!),
        saturated,
        zero,
        deadUnits,
        values: all.slice(0, Math.min(all.length, maxValues)),
      });
    });
  });
  return stats;
}
