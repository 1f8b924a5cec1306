/**
 * An optimizer as plain data: its registered class name and its config, `{ className: "SGD", config:
 * { learningRate: 0.1 } }`, which is how tfjs serializes optimizers (`getClassName()`, `getConfig()`,
 * `fromConfig`). Any optimizer registered with `tf.serialization.registerClass` (tfjs's seven, and any kernel-lib
 * optimizer that registers itself) can be rebuilt in a worker from it.
 */
import * as tf from "@tensorflow/tfjs";
import { describeValue, invalidArgument } from "../errors";

/** An optimizer as plain data. */
export interface OptimizerSpec {
  className: string;
  config: Record<string, unknown>;
}

/** The spec of an optimizer instance: `{ className: optimizer.getClassName(), config: optimizer.getConfig() }`. */
export function optimizerSpec(optimizer: tf.Optimizer): OptimizerSpec {
  return { className: optimizer.getClassName(), config: { ...optimizer.getConfig() } as Record<string, unknown> };
}

/** Names tfjs's `model.compile` accepts as an optimizer, with tfjs's default settings. */
export const OPTIMIZER_NAMES: readonly string[] = ["sgd", "adam", "adamax", "adagrad", "adadelta", "rmsprop"];

/** Checks an optimizer given as a name (`"adam"`) or a spec; returns it. */
export function checkOptimizer(fn: string, name: string, value: unknown): string | OptimizerSpec {
  if (typeof value === "string") {
    if (!OPTIMIZER_NAMES.includes(value))
      invalidArgument(fn, name, value, `one of ${OPTIMIZER_NAMES.map((n) => JSON.stringify(n)).join(", ")} or an optimizer spec`);
    return value;
  }
  const spec = value as Partial<OptimizerSpec> | null;
  if (spec === null || typeof spec !== "object" || typeof spec.className !== "string" || spec.config === null || typeof spec.config !== "object") {
    invalidArgument(fn, name, value, "an optimizer name or { className, config } (optimizerSpec(tf.train.sgd(0.1)))");
  }
  return spec as OptimizerSpec;
}

/** Makes the optimizer a spec describes (a new one, owned by the caller, who disposes it). */
export function buildOptimizer(spec: OptimizerSpec): tf.Optimizer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[spec.className];
  if (entry === undefined) {
    invalidArgument(
      "buildOptimizer",
      "spec.className",
      spec.className,
      "the class name of a registered optimizer (SGD, Momentum, Adam, Adamax, Adagrad, Adadelta, RMSProp, ...)",
    );
  }
  const [cls, fromConfig] = entry;
  const optimizer = fromConfig(cls, spec.config as tf.serialization.ConfigDict);
  if (!(optimizer instanceof tf.Optimizer)) {
    invalidArgument("buildOptimizer", "spec.className", spec.className, `an optimizer class (it built ${describeValue(optimizer.getClassName())})`);
  }
  return optimizer;
}
