/**
 * Weight decay as its own step, outside the gradient (lecture 002, "weight decay, the engineers' view"):
 *
 *   θ ← (1 − λ)·θ,   e.g. θ ← 0.98·θ after every update,
 *
 * which shrinks every decayed weight toward 0 by the same fraction whatever the loss says. Under plain SGD it is
 * the same as an L2 penalty λ/(2η)·‖θ‖² in the loss (the penalty's gradient step is θ ← θ − η·(λ/η)·θ); under an
 * adaptive optimizer (Adam) it is not, because Adam rescales the penalty's gradient per entry by 1/√v̂
 * (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", ICLR). AdamW and SGDW in this folder apply the
 * decay with the learning rate, as PyTorch does: the factor is 1 − η·λ (`decayFactor`).
 *
 * Which weights decay: every variable except those `excludeFromDecay` names. The default, `"biases"`, leaves out
 * variables whose name ends in "bias" (tfjs names a dense layer's bias "<layer>/bias"), the lectures' convention
 * that a bias is not penalized (lecture 000) and the same rule as `modelPenalty`; `"none"` decays everything, as
 * PyTorch does for all parameters of a group; a function decides per variable name.
 */
import * as tf from "@tensorflow/tfjs";
import { checkNumber, describeValue, invalidArgument } from "../errors";
import { isBiasWeightName } from "../regularizers/penalties/model-penalty";

/** Which variables weight decay skips: `"biases"` (names ending in "bias"), `"none"`, or a predicate on the variable name. */
export type DecayExclusion = "biases" | "none" | ((variableName: string) => boolean);

/** How an exclusion is written in a serialized config: a function cannot be saved and is recorded as `"custom"`. */
export type DecayExclusionConfig = "biases" | "none" | "custom";

/** Checks an `excludeFromDecay` option (default `"biases"`) and returns it. */
export function checkDecayExclusion(fn: string, value: unknown): DecayExclusion {
  if (value === undefined) return "biases";
  if (value === "biases" || value === "none" || typeof value === "function") return value as DecayExclusion;
  if (value === "custom") {
    invalidArgument(
      fn,
      "excludeFromDecay",
      value,
      `"biases", "none" or a function (a config saved with a custom predicate cannot rebuild it: pass the function again)`,
    );
  }
  return invalidArgument(fn, "excludeFromDecay", value, `"biases", "none" or a function (variableName) => boolean`);
}

/** Whether weight decay skips the variable called `variableName` under `exclusion`. */
export function isExcludedFromDecay(exclusion: DecayExclusion, variableName: string): boolean {
  if (exclusion === "none") return false;
  if (exclusion === "biases") return isBiasWeightName(variableName);
  return exclusion(variableName) === true;
}

/** The serializable form of an exclusion. */
export function decayExclusionConfig(exclusion: DecayExclusion): DecayExclusionConfig {
  return typeof exclusion === "function" ? "custom" : exclusion;
}

/**
 * The per-step multiplicative factor of decoupled weight decay applied with the learning rate, 1 − η·λ
 * (PyTorch's AdamW: `param.mul_(1 - lr * weight_decay)`). With η = 0.1, λ = 0.2 it is the lecture's 0.98.
 */
export function decayFactor(learningRate: number, weightDecay: number): number {
  checkNumber("decayFactor", "learningRate", learningRate, 0);
  checkNumber("decayFactor", "weightDecay", weightDecay, 0);
  return 1 - learningRate * weightDecay;
}

/** Options of `decayWeights`. */
export interface DecayWeightsOptions {
  /** Which variables to leave alone (default `"biases"`: names ending in "bias"). */
  excludeFromDecay?: DecayExclusion;
}

/** A variable `decayWeights` accepts: a tf.Variable, or a layer weight (`model.trainableWeights[i]`). */
export type DecayableVariable = tf.Variable | tf.LayersModel["trainableWeights"][number];

/**
 * The engineers' weight decay, θ ← factor·θ in place, for every variable not excluded (lecture 002; factor = 1 − λ,
 * e.g. 0.98). Call it after each optimizer step of a custom loop, or in a batch-end callback. A `tf.LayersModel`
 * stands for its trainable weights. factor must lie in (0, 1]; 1 changes nothing. Frees what it allocates.
 * @returns the names of the variables it decayed.
 */
export function decayWeights(variables: DecayableVariable[] | tf.LayersModel, factor: number, options: DecayWeightsOptions = {}): string[] {
  const fn = "decayWeights";
  checkNumber(fn, "factor", factor, 0, 1);
  if (factor === 0) invalidArgument(fn, "factor", factor, "a number in (0, 1] (1 − λ, e.g. 0.98; 0 would erase the weights)");
  if (options === null || typeof options !== "object") invalidArgument(fn, "options", options, "{ excludeFromDecay? }");
  const exclusion = checkDecayExclusion(fn, options.excludeFromDecay);
  const list = variables instanceof tf.LayersModel ? variables.trainableWeights : variables;
  if (!Array.isArray(list)) invalidArgument(fn, "variables", describeValue(variables), "an array of tf.Variable or a tf.LayersModel");
  const targets = list.map((v, i) => {
    // A layer weight's read() returns its tf.Variable (typed as a Tensor); checked below.
    const layerWeight = v as unknown as { read?: () => unknown } | null;
    const variable = v instanceof tf.Variable ? v : typeof layerWeight?.read === "function" ? layerWeight.read() : null;
    if (!(variable instanceof tf.Variable)) invalidArgument(fn, `variables[${i}]`, describeValue(v), "a tf.Variable or a layer weight");
    return variable;
  });
  const decayed: string[] = [];
  tf.tidy(() => {
    for (const variable of targets) {
      if (isExcludedFromDecay(exclusion, variable.name)) continue;
      variable.assign(tf.mul(variable, factor));
      decayed.push(variable.name);
    }
  });
  return decayed;
}
