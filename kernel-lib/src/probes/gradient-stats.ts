/**
 * Per-layer gradient statistics (Karpathy, "Building makemore part 3"; lecture 001 on vanishing
 * gradients): how large the gradients are at each depth, relative to the weights they will change.
 * - For each layer's output h: std and L2 norm of ∂L/∂h (the backpropagated signal). It is obtained in
 *   one backward pass by adding a zero tensor z to each output (h + z) and differentiating w.r.t. z.
 * - For each trainable weight W: std(W), std and norm of ∂L/∂W, and the gradient-to-data ratio
 *   std(∂L/∂W) / std(W).
 * - `updateStats`: after one optimizer step, the update-to-data ratio std(ΔW) / std(W), which Karpathy
 *   suggests keeping near 1e-3 (−3 on a log10 scale).
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../errors";
import { activationName, ensureBuilt, layersOf, type LayerStack } from "./layers";

/** A loss of targets and predictions, e.g. `(y, p) => tf.losses.softmaxCrossEntropy(y, p)`. */
export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

export interface OutputGradientStats {
  index: number;
  layer: string;
  activation: string;
  gradStd: number;
  gradNorm: number;
  /** ∂L/∂h values, for histograms (a copy). */
  values: Float32Array;
}

export interface WeightGradientStats {
  layer: string;
  weight: string;
  shape: number[];
  dataStd: number;
  gradStd: number;
  gradNorm: number;
  /** std(∂L/∂W) / std(W). */
  gradToData: number;
}

export interface GradientStats {
  loss: number;
  outputs: OutputGradientStats[];
  weights: WeightGradientStats[];
}

function std(t: tf.Tensor): number {
  return Math.sqrt(tf.moments(t).variance.dataSync()[0]!);
}

function trainableVariables(layers: tf.layers.Layer[]): { layer: tf.layers.Layer; variable: tf.Variable }[] {
  return layers.flatMap((layer) => layer.trainableWeights.map((w) => ({ layer, variable: w.read() as tf.Variable })));
}

/** One forward and backward pass on (x, y); nothing is updated. Frees every tensor it makes. */
export function gradientStats(network: LayerStack, x: tf.Tensor, y: tf.Tensor, loss: LossFunction): GradientStats {
  const layers = layersOf("gradientStats", network);
  if (typeof loss !== "function") invalidArgument("gradientStats", "loss", loss, "a function (yTrue, yPred) => scalar loss");
  const result: { stats?: GradientStats } = {};
  // tidy returns nothing: it would walk the Float32Arrays of a returned object element by element.
  tf.tidy(() => {
    // Shapes of every layer output, so the zero probes can be made before differentiating.
    const shapes: number[][] = [];
    let h = x;
    for (const layer of layers) {
      h = layer.apply(h, { training: true }) as tf.Tensor;
      shapes.push(h.shape);
    }
    const probes = shapes.map((shape) => tf.zeros(shape));
    const variables = trainableVariables(layers);
    const forward = (...zs: tf.Tensor[]): tf.Scalar => {
      let out = x;
      layers.forEach((layer, i) => {
        out = (layer.apply(out, { training: true }) as tf.Tensor).add(zs[i]!);
      });
      return loss(y, out);
    };
    const { value, grads } = tf.valueAndGrads(forward)(probes);
    const weightGrads = tf.variableGrads(
      () => forward(...probes),
      variables.map((v) => v.variable),
    ).grads;
    const outputs = grads.map((g, index) => ({
      index,
      layer: layers[index]!.name,
      activation: activationName(layers[index]!),
      gradStd: std(g),
      gradNorm: tf.norm(g).dataSync()[0]!,
      values: (g.dataSync() as Float32Array).slice(),
    }));
    const weights = variables.map(({ layer, variable }) => {
      const g = weightGrads[variable.name]!;
      const dataStd = std(variable);
      const gradStd = std(g);
      return {
        layer: layer.name,
        weight: variable.name,
        shape: variable.shape,
        dataStd,
        gradStd,
        gradNorm: tf.norm(g).dataSync()[0]!,
        gradToData: gradStd / dataStd,
      };
    });
    result.stats = { loss: value.dataSync()[0]!, outputs, weights };
  });
  return result.stats!;
}

export interface UpdateStats {
  layer: string;
  weight: string;
  /** std(W_after − W_before) / std(W_before). */
  updateToData: number;
  /** log10 of the ratio (Karpathy's plot; about −3 is healthy). */
  log10UpdateToData: number;
}

/**
 * Takes ONE optimizer step on (x, y) and reports each weight's update-to-data ratio. The weights and the
 * optimizer's state change (that is the point); no other tensor is left behind.
 */
export function updateStats(network: LayerStack, optimizer: tf.Optimizer, x: tf.Tensor, y: tf.Tensor, loss: LossFunction): UpdateStats[] {
  const layers = layersOf("updateStats", network);
  if (!(optimizer instanceof tf.Optimizer)) invalidArgument("updateStats", "optimizer", optimizer, "a tf.Optimizer (e.g. tf.train.sgd(0.1))");
  ensureBuilt(layers, x);
  const variables = trainableVariables(layers);
  const before = variables.map(({ variable }) => variable.clone());
  try {
    const cost = optimizer.minimize(
      () =>
        loss(
          y,
          layers.reduce((h, layer) => layer.apply(h, { training: true }) as tf.Tensor, x),
        ),
      true,
      variables.map((v) => v.variable),
    );
    cost?.dispose();
    return variables.map(({ layer, variable }, i) =>
      tf.tidy(() => {
        const ratio = std(variable.sub(before[i]!)) / std(before[i]!);
        return { layer: layer.name, weight: variable.name, updateToData: ratio, log10UpdateToData: Math.log10(ratio) };
      }),
    );
  } finally {
    tf.dispose(before);
  }
}
