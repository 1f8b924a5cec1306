/**
 * Numerical gradient checks (CS231n, "Neural Networks Part 3: gradient checks"; lecture 000 checks its batch
 * norm backward pass this way): compare an analytic gradient with central differences of the function,
 *
 *     ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h,
 *
 * and read the relative error ‖a − n‖ / max(‖a‖, ‖n‖) (or its elementwise maximum) on CS231n's ladder:
 * above 1e-2 the gradient is probably wrong; 1e-4 to 1e-2 is suspect for smooth functions; below 1e-7 is what
 * float64 reaches.
 *
 * tfjs computes in float32, so the ladder moves. With unit roundoff u = 2⁻²⁴ ≈ 6e-8, a central difference of a
 * function evaluated to a relative accuracy of about u·|f| has error about
 *
 *     h² |f'''| / 6  (truncation)  +  u |f| / h  (rounding of the two evaluations),
 *
 * smallest near h ≈ (3u |f| / |f'''|)^(1/3), i.e. h ≈ 1e-3 to 1e-2 for inputs and derivatives of order one, where the
 * error is a few 1e-5 of the gradient. A correct gradient therefore shows a relative error of roughly 1e-6 to 1e-4
 * in float32, and 1e-3 is a safe bound that a wrong formula (typically an error of order 1) cannot meet.
 *
 * Everything outside tfjs is done in float64: the inputs are read into a Float64Array, each perturbed entry is
 * rounded to float32 (what the function actually sees), and the divisor is the exact distance between the two
 * rounded inputs, fround(x + h) − fround(x − h), rather than 2h. (For |x| ≈ 10 and h = 1e-2 the float32 rounding
 * alone would change 2h by up to 5e-5 of its size.)
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../errors";

/** Checks that `value` is a finite number > 0 (a step size). Shared with landscape.ts; not exported from kernel-lib. */
export function checkPositive(fn: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) invalidArgument(fn, name, value, "a finite number > 0");
  return value;
}

/** A scalar function of one tensor: returns a tf.Scalar (freed by the caller's tidy) or a number. */
export type ScalarFunction = (x: tf.Tensor) => tf.Scalar | number;

export interface NumericalGradientOptions {
  /** The step h of the central differences, > 0. Default 1e-2, suited to float32 (see the module's comment). */
  step?: number;
}

/** What `gradientCheck` measured; the gradients are flat, in the row-major order of `x.dataSync()`. */
export interface GradientCheckResult {
  /** The central differences, float64. */
  numerical: Float64Array;
  /** The analytic gradient, read as float64. */
  analytic: Float64Array;
  /** ‖analytic − numerical‖ / max(‖analytic‖, ‖numerical‖); 0 when both are zero. */
  relativeError: number;
  /** max_i |a_i − n_i| / max(|a_i|, |n_i|) (entries where both are 0 count as 0). */
  maxRelativeError: number;
  /** Flat index of the entry with the largest elementwise relative error. */
  worstIndex: number;
  /** The step h used. */
  step: number;
}

/** Values of a tensor or an array as a float64 copy (the tensor is read, not disposed). */
function toFloat64(fn: string, name: string, value: tf.Tensor | ArrayLike<number>): Float64Array {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) invalidArgument(fn, name, `disposed tensor of shape [${value.shape.join(", ")}]`, "a live tensor");
    return Float64Array.from(value.dataSync() as ArrayLike<number>);
  }
  if (value == null || typeof (value as ArrayLike<number>).length !== "number") invalidArgument(fn, name, value, "a tf.Tensor or an array of numbers");
  return Float64Array.from(value);
}

/** Evaluates f on a float32 tensor of `shape` holding `values`, returning a float64 number; frees every tensor. */
function evaluate(fn: string, f: ScalarFunction, values: Float32Array, shape: number[]): number {
  const result = tf.tidy(() => {
    const out = f(tf.tensor(values, shape, "float32"));
    if (typeof out === "number") return out;
    if (!(out instanceof tf.Tensor)) invalidArgument(fn, "f(x)", out, "a tf.Scalar or a number");
    if (out.size !== 1) invalidArgument(fn, "f(x).shape", out.shape, "[] (a scalar: a tf.Scalar or a number)");
    return out.dataSync()[0]!;
  });
  if (!Number.isFinite(result)) invalidArgument(fn, "f(x)", result, "a finite value at every perturbed input");
  return result;
}

/**
 * Central differences of a scalar function at `x` (a float32 tensor, any shape), one entry at a time:
 * n_i = (f(x⁺) − f(x⁻)) / (x⁺_i − x⁻_i) with x^± = x ± h e_i rounded to float32. Costs 2·x.size evaluations of f.
 * Returns the gradient as a flat Float64Array in the row-major order of `x.dataSync()`. `x` is not changed and
 * every tensor made here or by `f` is freed.
 */
export function numericalGradient(f: ScalarFunction, x: tf.Tensor, options: NumericalGradientOptions = {}): Float64Array {
  const fn = "numericalGradient";
  if (typeof f !== "function") invalidArgument(fn, "f", f, "a function (x: tf.Tensor) => tf.Scalar | number");
  if (!(x instanceof tf.Tensor) || x.isDisposed) invalidArgument(fn, "x", x, "a live tf.Tensor");
  if (x.dtype !== "float32") invalidArgument(fn, "x.dtype", x.dtype, '"float32"');
  if (x.size === 0) invalidArgument(fn, "x.shape", x.shape, "a tensor with at least one element");
  const h = checkPositive(fn, "options.step", options.step ?? 1e-2);
  const base = Float32Array.from(x.dataSync() as ArrayLike<number>);
  const gradient = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const xi = base[i]!;
    const plus = Math.fround(xi + h);
    const minus = Math.fround(xi - h);
    if (plus === minus) invalidArgument(fn, "options.step", h, `a step large enough to change x[${i}] = ${xi} in float32`);
    const values = base.slice();
    values[i] = plus;
    const fPlus = evaluate(fn, f, values, x.shape);
    values[i] = minus;
    const fMinus = evaluate(fn, f, values, x.shape);
    gradient[i] = (fPlus - fMinus) / (plus - minus);
  }
  return gradient;
}

/**
 * CS231n's relative error of two gradients, norm-based: ‖a − b‖ / max(‖a‖, ‖b‖), in float64; 0 when both are
 * zero. Symmetric in a and b, and scale-free (multiplying both by c ≠ 0 does not change it).
 */
export function relativeError(a: tf.Tensor | ArrayLike<number>, b: tf.Tensor | ArrayLike<number>): number {
  const [u, v] = pair("relativeError", a, b);
  let diff = 0;
  let normU = 0;
  let normV = 0;
  for (let i = 0; i < u.length; i++) {
    diff += (u[i]! - v[i]!) ** 2;
    normU += u[i]! ** 2;
    normV += v[i]! ** 2;
  }
  const scale = Math.sqrt(Math.max(normU, normV));
  return scale === 0 ? 0 : Math.sqrt(diff) / scale;
}

/**
 * CS231n's elementwise relative error, max_i |a_i − b_i| / max(|a_i|, |b_i|), in float64 (entries where both
 * are 0 count as 0). Stricter than the norm-based one: entries near zero can make it large although the
 * gradient as a whole is right, so compare it with a bound only where no entry is close to 0.
 */
export function maxRelativeError(a: tf.Tensor | ArrayLike<number>, b: tf.Tensor | ArrayLike<number>): number {
  const [u, v] = pair("maxRelativeError", a, b);
  return elementwise(u, v).max;
}

function pair(fn: string, a: tf.Tensor | ArrayLike<number>, b: tf.Tensor | ArrayLike<number>): [Float64Array, Float64Array] {
  const u = toFloat64(fn, "a", a);
  const v = toFloat64(fn, "b", b);
  if (u.length !== v.length) invalidArgument(fn, "b.length", v.length, `the length of a (${u.length})`);
  return [u, v];
}

function elementwise(u: Float64Array, v: Float64Array): { max: number; index: number } {
  let max = 0;
  let index = 0;
  for (let i = 0; i < u.length; i++) {
    const scale = Math.max(Math.abs(u[i]!), Math.abs(v[i]!));
    const error = scale === 0 ? 0 : Math.abs(u[i]! - v[i]!) / scale;
    if (error > max || Number.isNaN(error)) {
      max = error;
      index = i;
    }
  }
  return { max, index };
}

/**
 * Checks an analytic gradient of `f` at `x` against `numericalGradient(f, x, options)`: returns both gradients and
 * the norm-based and elementwise relative errors. `analyticGradient` is the gradient at x (a tensor or array of
 * x.size values in row-major order), e.g. from a hand-written backward pass or `tf.grad(f)(x)`. A correct gradient
 * gives a relative error of about 1e-6 to 1e-4 in float32 (see the module's comment); 1e-3 is a safe bound.
 */
export function gradientCheck(
  f: ScalarFunction,
  analyticGradient: tf.Tensor | ArrayLike<number>,
  x: tf.Tensor,
  options: NumericalGradientOptions = {},
): GradientCheckResult {
  const analytic = toFloat64("gradientCheck", "analyticGradient", analyticGradient);
  if (x instanceof tf.Tensor && !x.isDisposed && analytic.length !== x.size) {
    invalidArgument("gradientCheck", "analyticGradient.length", analytic.length, `x.size = ${x.size} values`);
  }
  const numerical = numericalGradient(f, x, options);
  const { max, index } = elementwise(analytic, numerical);
  return { numerical, analytic, relativeError: relativeError(analytic, numerical), maxRelativeError: max, worstIndex: index, step: options.step ?? 1e-2 };
}
