/** What the probes need to know about a network: its layers in order and each layer's activation. */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../errors";

export type LayerStack = tf.Sequential | tf.layers.Layer[];

/** The layers of a Sequential model, or the given array, checked to be non-empty. */
export function layersOf(fn: string, network: LayerStack): tf.layers.Layer[] {
  const layers = Array.isArray(network) ? network : network.layers;
  if (!Array.isArray(layers) || layers.length === 0) invalidArgument(fn, "network", network, "a tf.Sequential model or a non-empty array of layers");
  return layers;
}

/** The layer's activation name from its config ("tanh", "relu", "sigmoid", "linear", ...), or its class name. */
export function activationName(layer: tf.layers.Layer): string {
  const config = layer.getConfig() as { activation?: unknown };
  if (typeof config.activation === "string") return config.activation;
  return layer.getClassName();
}

/** Runs the layers one after another on `x`, calling `visit` with each layer's output (inside the caller's tidy). */
export function forEachOutput(layers: tf.layers.Layer[], x: tf.Tensor, training: boolean, visit: (output: tf.Tensor, index: number) => void): tf.Tensor {
  let h = x;
  layers.forEach((layer, index) => {
    h = layer.apply(h, { training }) as tf.Tensor;
    visit(h, index);
  });
  return h;
}

/** Builds unbuilt layers (creating their weights) by one forward pass on `x`, so their weights can be listed. */
export function ensureBuilt(layers: tf.layers.Layer[], x: tf.Tensor): void {
  if (layers.every((layer) => layer.built)) return;
  tf.tidy(() => {
    forEachOutput(layers, x, false, () => undefined);
  });
}
