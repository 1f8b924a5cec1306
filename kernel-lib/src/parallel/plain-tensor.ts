/**
 * Tensors as plain data: a shape and a typed array. This is what crosses a thread boundary (a worker has its own
 * tfjs engine, so a `tf.Tensor` cannot), what a training task carries as its data and what a result carries as
 * its weights and predictions.
 *
 * Big inputs travel as shared memory: `shareValues` copies an array into a SharedArrayBuffer once, and every worker
 * that receives it reads the same bytes (structured clone shares a SharedArrayBuffer instead of copying it), so
 * k workers training on the same MNIST subset do not each get a copy of it.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, describeValue, invalidArgument } from "../errors";

/** The element types a plain tensor may hold: float32 data and weights, int32 labels or indices. */
export type PlainValues = Float32Array | Int32Array;

/** A tensor as plain data: `values` holds the elements in row-major order, `shape` says how to read them. */
export interface PlainTensor {
  shape: number[];
  values: PlainValues;
}

/** A weight as plain data, with the name tfjs gives it when the model is built (`dense1/kernel`). */
export interface NamedPlainTensor extends PlainTensor {
  name: string;
}

/** Number of elements of a shape: the product of its dimensions (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/**
 * Checks that `value` is a plain tensor: a Float32Array or Int32Array whose length is the product of `shape`.
 * Returns it, typed.
 */
export function checkPlainTensor(fn: string, name: string, value: unknown): PlainTensor {
  const candidate = value as Partial<PlainTensor> | null;
  if (candidate === null || typeof candidate !== "object")
    invalidArgument(fn, name, value, "a plain tensor { shape: number[], values: Float32Array | Int32Array }");
  if (!Array.isArray(candidate.shape)) invalidArgument(fn, `${name}.shape`, candidate.shape, "an array of non-negative integers");
  candidate.shape.forEach((dim, i) => checkInteger(fn, `${name}.shape[${i}]`, dim, 0));
  if (!(candidate.values instanceof Float32Array) && !(candidate.values instanceof Int32Array)) {
    invalidArgument(fn, `${name}.values`, Object.prototype.toString.call(candidate.values), "a Float32Array or an Int32Array");
  }
  const expected = shapeSize(candidate.shape);
  if (candidate.values.length !== expected) {
    invalidArgument(fn, `${name}.values.length`, candidate.values.length, `${expected} (the product of shape ${describeValue(candidate.shape)})`);
  }
  return candidate as PlainTensor;
}

/**
 * Copies a tensor's values out of the engine: `{ shape, values }` with a typed array of its own (not a view of
 * backend memory), so it can be transferred to another thread. float32 and int32 only; bool and complex are refused.
 */
export function toPlainTensor(tensor: tf.Tensor): PlainTensor {
  if (tensor.dtype !== "float32" && tensor.dtype !== "int32") invalidArgument("toPlainTensor", "tensor.dtype", tensor.dtype, '"float32" or "int32"');
  const data = tensor.dataSync() as PlainValues;
  return { shape: tensor.shape.slice(), values: data.slice() };
}

/** Makes a tensor from a plain tensor (float32 for a Float32Array, int32 for an Int32Array). The caller disposes it. */
export function fromPlainTensor(plain: PlainTensor): tf.Tensor {
  checkPlainTensor("fromPlainTensor", "plain", plain);
  return tf.tensor(plain.values, plain.shape, plain.values instanceof Int32Array ? "int32" : "float32");
}

/** A model's current weights as named plain tensors, in `model.weights` order. */
export function modelWeights(model: tf.LayersModel): NamedPlainTensor[] {
  return model.weights.map((weight) => {
    const value = weight.read();
    const plain = toPlainTensor(value);
    return { name: weight.originalName, ...plain };
  });
}

/** Whether the values live in shared memory (a SharedArrayBuffer), so that posting them to a worker copies nothing. */
export function isShared(values: PlainValues): boolean {
  return typeof SharedArrayBuffer !== "undefined" && values.buffer instanceof SharedArrayBuffer;
}

/** The same values in a SharedArrayBuffer (one copy now, none per worker later); shared values come back as they are. */
export function shareValues<T extends PlainValues>(values: T): T {
  if (isShared(values)) return values;
  const shared = new (values.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(values.byteLength));
  shared.set(values);
  return shared;
}
