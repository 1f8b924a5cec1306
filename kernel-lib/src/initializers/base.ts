/**
 * The base class of kernel-lib's initializers: tfjs-layers' own `Initializer`, which @tensorflow/tfjs does not
 * export by name. It is the parent class of every built-in initializer, so we take it from one of them; a
 * subclass then passes tfjs's `instanceof Initializer` check and works as `kernelInitializer`/`biasInitializer`.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, invalidArgument } from "../errors";
import { Rng, nextSeed } from "../random";

/** The instance type of tfjs-layers' `Initializer` (what `tf.layers.dense({ kernelInitializer })` accepts). */
export type TfInitializer = ReturnType<typeof tf.initializers.zeros>;

/** tfjs-layers' `Initializer` class, reached through the prototype chain of the built-in `Zeros`. */
export const InitializerBase = Object.getPrototypeOf(tf.initializers.zeros().constructor) as abstract new () => TfInitializer;
if (typeof InitializerBase !== "function" || !(tf.initializers.heNormal({}) instanceof InitializerBase) || InitializerBase.name !== "Initializer") {
  throw new Error("kernel-lib initializers: could not find tfjs-layers' Initializer base class (the tfjs version changed?)");
}

/** Shape as tfjs layers pass it to `apply` (`null` only appears in unknown batch dimensions, never in weights). */
export type InitShape = (number | null)[];

/** Checks that `shape` is a list of non-negative integers and returns it as `number[]`. */
export function checkShape(fn: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) invalidArgument(fn, "shape", shape, "an array of non-negative integers");
  shape.forEach((dim, i) => checkInteger(fn, `shape[${i}]`, dim, 0));
  return shape as number[];
}

/** Random initializers make float32 values (the dtype of every tfjs weight); anything else is an error. */
export function checkFloatDtype(fn: string, dtype: tf.DataType | undefined): "float32" {
  if (dtype !== undefined && dtype !== "float32") invalidArgument(fn, "dtype", dtype, '"float32" (random initializers make float weights)');
  return "float32";
}

/** Checks a finite number > 0 (gains, standard deviations of fan-based inits). */
export function checkPositive(fn: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) invalidArgument(fn, name, value, "a finite number > 0");
  return value;
}

/** Config every seeded initializer stores: the seed it was made with. */
export interface SeedOptions {
  /**
   * Integer seed. Left out, one is drawn with `nextSeed()` from the global stream, so `seed(n)` at the top of a
   * notebook makes every initializer repeat. The seed is kept in the config, so a saved model records it.
   */
  seed?: number;
}

/**
 * A seeded kernel-lib initializer. The seed starts a private stream; each `apply` draws the seed of its tfjs op
 * from that stream. So two initializers made with the same seed give the same first tensor, the same second
 * tensor, and so on, while one initializer shared by several layers does not hand them identical weights
 * (unlike a tfjs initializer with a fixed seed, which repeats its tensor on every call).
 */
export abstract class SeededInitializer extends InitializerBase {
  /** The seed this initializer was made with (drawn from the global stream when none was given). */
  readonly seed: number;
  private readonly stream: Rng;

  protected constructor(fn: string, seed: number | null | undefined) {
    super();
    this.seed = seed == null ? nextSeed() : checkInteger(fn, "options.seed", seed);
    this.stream = new Rng(this.seed);
  }

  /** The seed for the next random op (or a JavaScript stream for draws made here). */
  protected nextOpSeed(): number {
    return this.stream.nextSeed();
  }

  /** The config every subclass extends: `{ seed }`. */
  protected seedConfig(): { seed: number } {
    return { seed: this.seed };
  }
}
