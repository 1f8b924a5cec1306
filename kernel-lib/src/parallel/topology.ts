/**
 * A model's architecture as plain data, and how a worker rebuilds it with seeded weights.
 *
 * `model.toJSON(null, false)` gives the topology: every layer's class and config, initializers included, no weights.
 * tfjs's built-in random initializers store `seed: null` unless one was given (and then draw from Math.random, which
 * no seed controls), and kernel-lib's seeded initializers store the seed they were made with. Rebuilding a model
 * from its topology makes a fresh initializer per layer, so an initializer object that the original model shared
 * between two layers would, rebuilt, give both layers the same first draw. `seedInitializers` therefore rewrites
 * every initializer's seed from one seed of the task: the weights then depend on that seed alone, two tasks with
 * different seeds start from different weights (a seed ensemble), and each layer gets a seed of its own.
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../errors";
import { Rng } from "../random";
import { type NamedPlainTensor, fromPlainTensor } from "./plain-tensor";

/** A model's topology: what `model.toJSON(null, false)` returns (or the JSON string `model.toJSON()` returns). */
export type ModelTopology = Record<string, unknown> | string;

/** The topology of `model` as a plain object (layers, their configs and initializers; no weights). */
export function modelTopology(model: tf.LayersModel): Record<string, unknown> {
  return model.toJSON(null, false) as Record<string, unknown>;
}

/** Parses a topology given as a string and checks that it looks like one (a `class_name` and a `config`). */
export function parseTopology(fn: string, name: string, topology: unknown): Record<string, unknown> {
  let parsed: unknown = topology;
  if (typeof topology === "string") {
    try {
      parsed = JSON.parse(topology);
    } catch (error) {
      invalidArgument(fn, name, topology, `a model topology (model.toJSON()); the string is not JSON: ${(error as Error).message}`);
    }
  }
  const object = parsed as { class_name?: unknown; config?: unknown } | null;
  if (object === null || typeof object !== "object" || typeof object.class_name !== "string" || typeof object.config !== "object") {
    invalidArgument(fn, name, topology, "a model topology: model.toJSON(null, false), an object with class_name and config");
  }
  return object as Record<string, unknown>;
}

/** A serialized initializer: `{ class_name, config: { seed, ... } }` under a layer's `*_initializer` key. */
function isSeededInitializerConfig(key: string, value: unknown): value is { class_name: string; config: { seed: unknown } } {
  if (!/_initializer$|Initializer$/.test(key) || value === null || typeof value !== "object") return false;
  const config = (value as { config?: unknown }).config;
  return typeof (value as { class_name?: unknown }).class_name === "string" && config !== null && typeof config === "object" && "seed" in config;
}

/**
 * A copy of `topology` in which every initializer that takes a seed gets a new one drawn from `stream`, in the
 * order the keys appear (layer after layer, kernel before bias). The same topology and the same stream give the
 * same seeds, so the model rebuilt from the copy has the same weights in any thread.
 */
export function seedInitializers(topology: Record<string, unknown>, stream: Rng): Record<string, unknown> {
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (value === null || typeof value !== "object") return value;
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (isSeededInitializerConfig(key, child)) {
        copy[key] = { ...child, config: { ...(visit(child.config) as object), seed: stream.nextSeed() } };
      } else {
        copy[key] = visit(child);
      }
    }
    return copy;
  };
  return visit(topology) as Record<string, unknown>;
}

/** Builds a model from its topology (its initializers run; the caller disposes the model). */
export async function buildModel(topology: ModelTopology): Promise<tf.LayersModel> {
  const parsed = parseTopology("buildModel", "topology", topology);
  return tf.models.modelFromJSON({ modelTopology: parsed } as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
}

/** Sets a model's weights from named plain tensors, in `model.weights` order; shapes and names must match. */
export function setModelWeights(model: tf.LayersModel, weights: readonly NamedPlainTensor[]): void {
  if (weights.length !== model.weights.length) {
    invalidArgument("setModelWeights", "weights.length", weights.length, `${model.weights.length} (one per weight of the model)`);
  }
  weights.forEach((weight, i) => {
    const target = model.weights[i]!;
    if (weight.name !== target.originalName || weight.shape.join(",") !== target.shape.join(",")) {
      invalidArgument(
        "setModelWeights",
        `weights[${i}]`,
        { name: weight.name, shape: weight.shape },
        `${target.originalName} of shape [${target.shape.join(", ")}]`,
      );
    }
  });
  const tensors = weights.map(fromPlainTensor);
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/**
 * Rebuilds a trained model in this thread: the topology with the weights a task returned (for example to predict,
 * average parameters or save it). The caller disposes the model.
 */
export async function restoreModel(topology: ModelTopology, weights: readonly NamedPlainTensor[]): Promise<tf.LayersModel> {
  const model = await buildModel(topology);
  try {
    setModelWeights(model, weights);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
