/**
 * The loss-landscape probe of Santurkar, Tsipras, Ilyas & Mądry, "How Does Batch Normalization Help
 * Optimization?" (NeurIPS 2018, figure 4; lecture 002): at parameters θ with gradient g = ∇L(θ), step along the
 * gradient by a range of sizes η and measure
 *
 *     (i)  the loss along the step,           L(θ − η g),
 *     (ii) the change of the gradient,        ‖∇L(θ − η g) − ∇L(θ)‖   (one norm over all variables together).
 *
 * A narrow range of (i) over η means the loss is predictable along the gradient; a small (ii) means the gradient
 * is Lipschitz-like ("β-smooth") along it, so a larger step is safe. The paper's claim: with batch norm both ranges
 * shrink. For a quadratic loss L(θ) = ½‖Aθ − b‖², ∇L(θ) = Aᵀ(Aθ − b), so (ii) is exactly η‖AᵀA g‖.
 *
 * The probe changes nothing: every variable it touches (for a model, all its weights, including running
 * statistics that a training-mode pass updates) is saved first and restored bit-exactly at the end, also when an
 * evaluation throws. Each evaluation starts from the saved state. All tensors it makes are freed (if the loss function
 * throws inside a gradient computation, tfjs may keep the tensors its tape saved; the loss is therefore first called
 * once outside any tape, which catches a loss that fails or is not a scalar).
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../errors";
import { checkPositive } from "./gradient-check";
import type { LossFunction } from "./gradient-stats";

/** A scalar loss of `variables`, recomputed from their current values on every call (e.g. a closure over data). */
export interface VariableObjective {
  loss: () => tf.Scalar;
  variables: tf.Variable[];
}

export interface GradientStepProbeOptions {
  /** The step sizes η (each finite and > 0), in any order; the results follow this order. */
  stepSizes: number[];
}

export interface ModelGradientStepProbeOptions extends GradientStepProbeOptions {
  /** The loss of targets and predictions, e.g. `(y, p) => tf.metrics.categoricalCrossentropy(y, p).mean()`. */
  loss: LossFunction;
  /** Run the model in training mode (batch statistics, dropout), as during training. Default true. */
  training?: boolean;
}

export interface GradientStepProbeResult {
  /** L(θ). */
  loss: number;
  /** ‖∇L(θ)‖. */
  gradientNorm: number;
  /** The step sizes η, as given. */
  stepSizes: number[];
  /** L(θ − η g) for each η. */
  losses: number[];
  /** ‖∇L(θ − η g) − ∇L(θ)‖ for each η. */
  gradientChanges: number[];
  /** min and max of `losses` over η (Santurkar et al.'s "loss landscape" band). */
  lossRange: { min: number; max: number };
  /** min and max of `gradientChanges` over η (their "gradient predictiveness" band). */
  gradientChangeRange: { min: number; max: number };
}

/** The loss and its gradient with respect to each variable (zeros for a variable the loss does not depend on). */
function lossAndGradient(objective: VariableObjective): { loss: number; grads: tf.Tensor[] } {
  const { value, grads } = tf.variableGrads(() => objective.loss().reshape([]) as tf.Scalar, objective.variables);
  const loss = value.dataSync()[0]!;
  value.dispose();
  const ordered = objective.variables.map((v) => grads[v.name] ?? tf.zerosLike(v));
  // variableGrads returns one entry per name; anything else it made is not ours to keep.
  tf.dispose(Object.values(grads).filter((g): g is tf.Tensor => g != null && !ordered.includes(g)));
  return { loss, grads: ordered };
}

/**
 * Evaluates the loss once outside any gradient tape and checks it is a scalar. (An exception inside
 * tf.variableGrads leaves the tensors tfjs's tape saved behind, so bad losses are caught here, where tf.tidy frees all.)
 */
function checkLoss(fn: string, objective: VariableObjective): void {
  tf.tidy(() => {
    const loss = objective.loss();
    if (!(loss instanceof tf.Tensor)) invalidArgument(fn, "loss()", loss, "a tf.Scalar");
    if (loss.size !== 1) invalidArgument(fn, "loss().shape", loss.shape, "[] (a tf.Scalar)");
  });
}

/** ‖a − b‖ over all tensors together, as one long vector. */
function distance(a: tf.Tensor[], b: tf.Tensor[]): number {
  return tf.tidy(() => tf.sqrt(tf.addN(a.map((t, i) => t.sub(b[i]!).square().sum()))).dataSync()[0]!);
}

function range(values: number[]): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}

function checkStepSizes(fn: string, stepSizes: unknown): number[] {
  if (!Array.isArray(stepSizes) || stepSizes.length === 0) invalidArgument(fn, "options.stepSizes", stepSizes, "a non-empty array of step sizes > 0");
  stepSizes.forEach((eta, i) => checkPositive(fn, `options.stepSizes[${i}]`, eta));
  return stepSizes.slice() as number[];
}

/** The probe on a loss of variables; `saved` are all the variables to restore (the objective's and any others). */
function probe(fn: string, objective: VariableObjective, stepSizes: number[], toRestore: tf.Variable[]): GradientStepProbeResult {
  const variables = objective.variables;
  const saved = toRestore.map((v) => v.clone());
  const restore = () => toRestore.forEach((v, i) => v.assign(saved[i]!));
  let gradient: tf.Tensor[] = [];
  try {
    checkLoss(fn, objective);
    restore(); // the check may have moved state, e.g. running statistics in training mode
    const start = lossAndGradient(objective);
    gradient = start.grads;
    const gradientNorm = tf.tidy(() => tf.sqrt(tf.addN(gradient.map((g) => g.square().sum()))).dataSync()[0]!);
    const theta = variables.map((v) => saved[toRestore.indexOf(v)]!);
    const losses: number[] = [];
    const gradientChanges: number[] = [];
    for (const eta of stepSizes) {
      restore();
      variables.forEach((v, i) => tf.tidy(() => v.assign(theta[i]!.sub(gradient[i]!.mul(eta)))));
      const moved = lossAndGradient(objective);
      losses.push(moved.loss);
      gradientChanges.push(distance(moved.grads, gradient));
      tf.dispose(moved.grads);
    }
    return {
      loss: start.loss,
      gradientNorm,
      stepSizes: stepSizes.slice(),
      losses,
      gradientChanges,
      lossRange: range(losses),
      gradientChangeRange: range(gradientChanges),
    };
  } finally {
    restore();
    tf.dispose([...saved, ...gradient]);
  }
}

/**
 * Santurkar et al.'s probe on a model: the loss is `options.loss(y, model.apply(x, { training }))` as a function of
 * `model.trainableWeights`. Training mode (the default) is what training sees: batch norm uses the batch's statistics
 * (and updates its running statistics, which the probe restores). With dropout in training mode every evaluation
 * draws a new mask, so the probe measures noise as well; use `training: false` or a model without dropout.
 */
export function gradientStepProbe(
  model: tf.LayersModel,
  x: tf.Tensor | tf.Tensor[],
  y: tf.Tensor,
  options: ModelGradientStepProbeOptions,
): GradientStepProbeResult;
/** Santurkar et al.'s probe on any scalar loss of a list of variables. Only `objective.variables` are restored. */
export function gradientStepProbe(objective: VariableObjective, options: GradientStepProbeOptions): GradientStepProbeResult;
export function gradientStepProbe(
  target: tf.LayersModel | VariableObjective,
  xOrOptions: tf.Tensor | tf.Tensor[] | GradientStepProbeOptions,
  y?: tf.Tensor,
  modelOptions?: ModelGradientStepProbeOptions,
): GradientStepProbeResult {
  const fn = "gradientStepProbe";
  if (target instanceof tf.LayersModel) {
    const x = xOrOptions as tf.Tensor | tf.Tensor[];
    const inputs = Array.isArray(x) ? x : [x];
    if (inputs.length === 0 || inputs.some((t) => !(t instanceof tf.Tensor) || t.isDisposed))
      invalidArgument(fn, "x", x, "a live tf.Tensor (or an array of them)");
    if (!(y instanceof tf.Tensor) || y.isDisposed) invalidArgument(fn, "y", y, "a live tf.Tensor of targets");
    if (modelOptions == null || typeof modelOptions !== "object") invalidArgument(fn, "options", modelOptions, "{ stepSizes, loss, training? }");
    const stepSizes = checkStepSizes(fn, modelOptions.stepSizes);
    const loss = modelOptions.loss;
    if (typeof loss !== "function") invalidArgument(fn, "options.loss", loss, "a function (yTrue, yPred) => scalar loss");
    const training = modelOptions.training ?? true;
    const variables = target.trainableWeights.map((w) => w.read() as tf.Variable);
    if (variables.length === 0)
      invalidArgument(fn, "model", target.name, "a model with trainable weights (built: give the first layer an inputShape or call the model once)");
    const all = target.weights.map((w) => w.read() as tf.Variable);
    const objective: VariableObjective = {
      variables,
      loss: () => {
        const prediction = target.apply(x, { training });
        if (Array.isArray(prediction)) invalidArgument(fn, "model", target.name, "a model with a single output");
        return loss(y, prediction as tf.Tensor);
      },
    };
    return probe(fn, objective, stepSizes, all);
  }
  const objective = target as VariableObjective;
  if (objective == null || typeof objective.loss !== "function" || !Array.isArray(objective.variables)) {
    invalidArgument(fn, "objective", objective, "a tf.LayersModel or { loss: () => tf.Scalar, variables: tf.Variable[] }");
  }
  if (objective.variables.length === 0 || objective.variables.some((v) => !(v instanceof tf.Variable) || v.isDisposed)) {
    invalidArgument(fn, "objective.variables", objective.variables.length, "a non-empty array of live tf.Variables");
  }
  const options = xOrOptions as GradientStepProbeOptions;
  if (options == null || typeof options !== "object" || options instanceof tf.Tensor) invalidArgument(fn, "options", options, "{ stepSizes }");
  return probe(fn, objective, checkStepSizes(fn, options.stepSizes), objective.variables);
}
