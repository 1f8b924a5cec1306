/**
 * The path an optimizer takes on a plain function of a few coordinates, for trajectory plots over a contour map
 * (lecture 004: the long valley f = 0.1x² + 2y², a saddle point, Rosenbrock; lecture 002: momentum, Nesterov,
 * Adagrad, Adadelta, RMSprop, Adam, AMSGrad). Starting from θ₀, step k = 0, 1, ... is one call of the optimizer's
 * `minimize(f)`: the gradient ∇f(θ_k) and the optimizer's update rule give θ_{k+1}, e.g.
 *
 *     SGD:       θ_{k+1} = θ_k − η·∇f(θ_k)
 *     momentum:  a_{k+1} = μ·a_k + ∇f(θ_k),   θ_{k+1} = θ_k − η·a_{k+1}     (tfjs's convention, a₀ = 0)
 *
 * The point is one float32 variable of shape [d]. Every tfjs optimizer, and kernel-lib's, updates each entry of a
 * variable independently (Adam's and RMSprop's second moments are elementwise), so one [d] variable follows the same
 * path as d scalar variables. Adam with AMSGrad is `adamW({ weightDecay: 0, amsgrad: true })` (with λ = 0 AdamW is
 * Adam: PyTorch's `Adam(amsgrad=True)`, checked against it in test/unit/optimizers.test.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, invalidArgument } from "../errors";
import { isOptimizer } from "./schedules/optimizer-rate";

/** A scalar function of the point θ (a float32 tensor of shape [d]), built from tfjs ops so it can be differentiated. */
export type PointFunction = (point: tf.Tensor1D) => tf.Scalar;

export interface TrajectoryOptions {
  /** θ₀, the starting coordinates (at least one, finite). */
  start: number[];
  /** The number of optimizer steps, an integer ≥ 0. */
  steps: number;
  /**
   * Stop once a coordinate's magnitude exceeds this (the point is kept, marked as diverged), > 0. Default Infinity:
   * stop only when a coordinate or the loss stops being finite (such a point is dropped).
   */
  divergenceBound?: number;
}

export interface Trajectory {
  /** θ₀, θ₁, ...: steps + 1 points unless the run diverged. */
  points: number[][];
  /** f(θ_k) for every point (`losses[k]` belongs to `points[k]`). */
  losses: number[];
  /** Whether the run stopped early: a non-finite value, or a coordinate past `divergenceBound`. */
  diverged: boolean;
  /** The optimizer's class name (`SGD`, `Momentum`, `Adam`, `KernelLib>AdamW`, ...). */
  optimizer: string;
}

/** One row per point for Vega-Lite: `{ step, x, y, loss, label }` (x only in 1-D; x1, ..., xd beyond 2-D). */
export interface TrajectoryRow {
  step: number;
  loss: number;
  label: string;
  [coordinate: string]: number | string;
}

function finite(values: number[]): boolean {
  return values.every(Number.isFinite);
}

/** f(θ) as a rank-0 tensor; throws if f does not return a one-element tensor. */
function scalarOf(fn: string, f: PointFunction, point: tf.Tensor1D): tf.Scalar {
  const out = f(point) as unknown;
  if (!(out instanceof tf.Tensor) || out.size !== 1) {
    invalidArgument(fn, "f(point)", out instanceof tf.Tensor ? `a tensor of shape [${out.shape.join(", ")}]` : out, "a tf.Scalar");
  }
  return (out.rank === 0 ? out : tf.reshape(out, [])) as tf.Scalar;
}

/**
 * Runs `optimizer` for `steps` steps on f from `start` and returns the points and f at each of them. `optimizer` is
 * a fresh optimizer (its state must belong to this run: one whose `iterations` is already > 0 is refused; it stays
 * the caller's to dispose) or a factory `() => tf.train.adam(0.1)`, whose optimizer is disposed here. The
 * variable and every other tensor made here are freed, also when f throws.
 */
export function optimizerTrajectory(optimizer: tf.Optimizer | (() => tf.Optimizer), f: PointFunction, options: TrajectoryOptions): Trajectory {
  const fn = "optimizerTrajectory";
  if (typeof f !== "function") invalidArgument(fn, "f", f, "a function (point: tf.Tensor1D) => tf.Scalar");
  if (options === null || typeof options !== "object") invalidArgument(fn, "options", options, "{ start, steps, divergenceBound? }");
  const { start } = options;
  if (!Array.isArray(start) || start.length === 0 || !start.every((c) => typeof c === "number" && Number.isFinite(c))) {
    invalidArgument(fn, "options.start", start, "a non-empty array of finite coordinates");
  }
  const steps = checkInteger(fn, "options.steps", options.steps, 0);
  const bound = options.divergenceBound ?? Infinity;
  if (typeof bound !== "number" || Number.isNaN(bound) || bound <= 0) invalidArgument(fn, "options.divergenceBound", bound, "a number > 0 (or Infinity)");
  const owned = typeof optimizer === "function";
  const opt: unknown = owned ? optimizer() : optimizer;
  if (!isOptimizer(opt)) invalidArgument(fn, "optimizer", opt, "a tf.Optimizer or a function returning a fresh one");
  if (!owned && opt.iterations > 0) {
    invalidArgument(
      fn,
      "optimizer.iterations",
      opt.iterations,
      "0: a fresh optimizer (its state would leak into this run); pass a new one or a factory () => tf.train.sgd(0.1)",
    );
  }
  const variable = tf.tidy(() => tf.variable(tf.tensor1d(start, "float32"), true));
  try {
    const read = (): number[] => Array.from(variable.dataSync());
    const points: number[][] = [read()];
    const losses: number[] = [];
    let diverged = false;
    for (let k = 0; k < steps; k++) {
      const cost = opt.minimize(() => scalarOf(fn, f, variable), true, [variable]);
      const loss = cost === null ? NaN : cost.dataSync()[0]!;
      cost?.dispose();
      if (!Number.isFinite(loss)) {
        diverged = true;
        break;
      }
      losses.push(loss);
      const point = read();
      if (!finite(point)) {
        diverged = true;
        break;
      }
      points.push(point);
      if (point.some((c) => Math.abs(c) > bound)) {
        diverged = true;
        break;
      }
    }
    if (losses.length < points.length) {
      const last = points[points.length - 1]!;
      const loss = tf.tidy(() => scalarOf(fn, f, tf.tensor1d(last, "float32")).dataSync()[0]!);
      if (Number.isFinite(loss)) losses.push(loss);
      else {
        points.pop();
        diverged = true;
      }
    }
    return { points, losses, diverged, optimizer: opt.getClassName() };
  } finally {
    variable.dispose();
    if (owned) opt.dispose();
  }
}

/**
 * A trajectory as rows for a Vega-Lite layer over a contour map: `{ step, x, y, loss, label }` per point (`x` only
 * for one coordinate, `x1`, ..., `xd` for more than two); `label` defaults to the optimizer's class name.
 */
export function trajectoryRows(trajectory: Trajectory, label: string = trajectory.optimizer): TrajectoryRow[] {
  if (trajectory === null || typeof trajectory !== "object" || !Array.isArray(trajectory.points) || !Array.isArray(trajectory.losses)) {
    invalidArgument("trajectoryRows", "trajectory", trajectory, "what optimizerTrajectory returns");
  }
  return trajectory.points.map((point, step) => {
    const row: TrajectoryRow = { step, loss: trajectory.losses[step]!, label };
    if (point.length <= 2) ["x", "y"].slice(0, point.length).forEach((name, i) => (row[name] = point[i]!));
    else point.forEach((c, i) => (row[`x${i + 1}`] = c));
    return row;
  });
}
