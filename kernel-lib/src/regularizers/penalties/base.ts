/**
 * The base class of kernel-lib's penalties: tfjs-layers' own `Regularizer`, which @tensorflow/tfjs does not export
 * by name. It is the parent class of the built-in `L1L2`, so we take it from there; a subclass then passes tfjs's
 * `instanceof Regularizer` check and works as `kernelRegularizer` / `biasRegularizer` of any tfjs layer.
 *
 * A penalty Ω(w) given to a layer is added to the training loss by `model.fit` / `trainOnBatch`: the optimizer
 * minimizes L(w) + Ω(w) ("the penalty in the loss", lecture 000). Every kernel-lib penalty registers its class
 * for serialization under a "KernelLib>" name, so a model that uses it saves and loads with no `customObjects`.
 */
import * as tf from "@tensorflow/tfjs";
import { checkNumber, invalidArgument } from "../../errors";

/** What a tfjs layer accepts as `kernelRegularizer`: a serializable object whose `apply(w)` is a scalar penalty. */
export interface TfRegularizer extends tf.serialization.Serializable {
  /** The penalty of one weight tensor, a float32 scalar. */
  apply(x: tf.Tensor): tf.Scalar;
}

/** tfjs-layers' `Regularizer` class, reached through the prototype chain of the built-in `L1L2`. */
export const RegularizerBase = Object.getPrototypeOf(tf.regularizers.l1().constructor) as abstract new () => TfRegularizer;
if (typeof RegularizerBase !== "function" || RegularizerBase.name !== "Regularizer" || !(tf.regularizers.l2() instanceof RegularizerBase)) {
  throw new Error("kernel-lib penalties: could not find tfjs-layers' Regularizer base class (the tfjs version changed?)");
}

/** Prefix of every kernel-lib penalty's `className` (never clashes with tfjs's own `L1L2`). */
export const PENALTY_CLASS_PREFIX = "KernelLib>";

/** What `registerPenalty` needs: a concrete penalty class with a static `className`. */
export type PenaltyClass = (new (config: never) => TfRegularizer) & { className: string };

/**
 * Registers a penalty class with tfjs's serialization map, unless a class is already registered under its name
 * (a second copy of kernel-lib in the same process, e.g. the built package and the sources): the first
 * registration stays, so loading the module twice changes nothing. Returns whether this call registered it.
 */
export function registerPenalty(cls: PenaltyClass): boolean {
  if (typeof cls.className !== "string" || !cls.className.startsWith(PENALTY_CLASS_PREFIX)) {
    throw new Error(`registerPenalty: className = ${JSON.stringify(cls.className)}, expected a name starting with "${PENALTY_CLASS_PREFIX}"`);
  }
  if (isRegisteredPenalty(cls.className)) return false;
  tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
  return true;
}

/** Whether a class name is registered with tfjs's serialization map. */
export function isRegisteredPenalty(className: string): boolean {
  return Object.prototype.hasOwnProperty.call(tf.serialization.SerializationMap.getMap().classNameMap, className);
}

/** Checks a penalty strength: a finite number ≥ 0 (0 switches the penalty off). */
export function checkStrength(fn: string, name: string, value: unknown): number {
  return checkNumber(fn, name, value, 0);
}

/** Checks that `x` is a float32 tensor (weights and activations are). */
export function checkFloatTensor(fn: string, name: string, x: unknown): tf.Tensor {
  if (!(x instanceof tf.Tensor)) invalidArgument(fn, name, x, "a tf.Tensor");
  if (x.dtype !== "float32") invalidArgument(fn, `${name}.dtype`, x.dtype, '"float32"');
  return x;
}
