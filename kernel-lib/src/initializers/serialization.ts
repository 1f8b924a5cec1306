/**
 * Registration of kernel-lib's initializers with tfjs's serialization map, so that a model using them survives
 * `model.save(...)` and `tf.loadLayersModel(...)`. Class names carry the prefix `KernelLib>` so they never
 * clash with tfjs's own (`GlorotUniform`, `HeNormal`, ...).
 *
 * Registering is idempotent: tfjs keys its map by class name and a second registration replaces the first,
 * so a notebook cell that re-imports kernel-lib (or a module system that evaluates it again) leaves one entry
 * per name, pointing at the latest class.
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../errors";
import type { TfInitializer } from "./base";

/** Prefix of every kernel-lib initializer's `className`. */
export const CLASS_NAME_PREFIX = "KernelLib>";

/** What `registerInitializer` needs: a concrete initializer class with a static `className`. */
export type InitializerClass = (new (config: never) => TfInitializer) & { className: string };

/** Registers an initializer class for (de)serialization (idempotent) and returns it. */
export function registerInitializer<C extends InitializerClass>(cls: C): C {
  if (typeof cls.className !== "string" || !cls.className.startsWith(CLASS_NAME_PREFIX)) {
    throw new Error(`registerInitializer: className = ${JSON.stringify(cls.className)}, expected a name starting with "${CLASS_NAME_PREFIX}"`);
  }
  tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
  return cls;
}

/** Whether a class name is registered with tfjs's serialization map (for tests and notebooks). */
export function isRegisteredInitializer(className: string): boolean {
  return Object.prototype.hasOwnProperty.call(tf.serialization.SerializationMap.getMap().classNameMap, className);
}

/** An initializer as a layer stores it in its config: `{ className, config }`, as tfjs nests serializable objects. */
export function serializeInitializer(initializer: TfInitializer): tf.serialization.ConfigDict {
  return { className: initializer.getClassName(), config: initializer.getConfig() };
}

/**
 * Rebuilds an initializer from `serializeInitializer`'s output through tfjs's serialization map (an initializer
 * object or undefined passes through). `fn` and `name` name the caller and the config field in the error.
 */
export function deserializeInitializer(fn: string, name: string, value: unknown): TfInitializer | undefined {
  if (value == null || value instanceof tf.serialization.Serializable) return (value ?? undefined) as TfInitializer | undefined;
  const { className, config } = value as { className?: unknown; config?: unknown };
  const entry = typeof className === "string" ? tf.serialization.SerializationMap.getMap().classNameMap[className] : undefined;
  if (entry === undefined) invalidArgument(fn, name, value, "a registered initializer {className, config}");
  const [cls, fromConfig] = entry;
  return fromConfig(cls, (config ?? {}) as tf.serialization.ConfigDict) as TfInitializer;
}
