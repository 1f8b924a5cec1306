/**
 * How much gradient survives a stack of layers: the vanishing-gradient argument of lecture 001 ("Cascading
 * sigmoid layers": the derivative is close to zero over a wide region; "Cascading ReLU layers": it is never
 * zero for positive inputs) and of lecture 004 (saturated sigmoid/tanh units pass back no gradient).
 *
 * By the chain rule, the gradient reaching the input of `depth` layers is the gradient at the top times
 * ∏_k w_k f'(n_k), with n_k the pre-activation of layer k. Since sigmoid' <= 1/4, the product is at most
 * (w/4)^depth: it vanishes geometrically unless the weights make up for it, while ReLU passes 1 per layer.
 */
import { checkInteger, checkNumber } from "../errors";
import { type ActivationName, type ScalarActivation, resolveActivation } from "./functions";

/**
 * ∏_{k=1}^{depth} f'(x) = f'(x)^depth: the factor by which the gradient shrinks (or grows) through `depth`
 * layers when every layer sits at the same pre-activation `preActivation` with unit weights.
 * At x = 0 this is the best case for the sigmoid, (1/4)^depth (10 layers: ≈ 9.5e-7); tanh gives 1, LeCun's tanh
 * 1.1439^depth (it grows), ReLU 1 for x > 0 and 0 for x <= 0.
 *
 * @param activation a name (default options) or `activation(name, options)`.
 * @param depth number of layers, an integer >= 0 (0 gives 1).
 * @param preActivation x, the pre-activation n = w·a + b that every layer sees.
 */
export function derivativeProduct(activation: ActivationName | ScalarActivation, depth: number, preActivation: number): number {
  const fn = "derivativeProduct";
  const f = resolveActivation(fn, "activation", activation);
  checkInteger(fn, "depth", depth, 0);
  checkNumber(fn, "preActivation", preActivation);
  return f.derivative(preActivation) ** depth;
}

export interface CascadeOptions {
  /** Weight w of every layer, n_k = w·a_{k-1} + b; default 1. */
  weight?: number;
  /** Bias b of every layer; default 0. */
  bias?: number;
}

/** The forward and backward pass through a cascade of single-unit layers. */
export interface CascadeResult {
  /** a_depth, the output of the last layer (the input itself when depth is 0). */
  output: number;
  /** d a_depth / d input = ∏_k w·f'(n_k), by the chain rule. */
  derivative: number;
  /** n_1..n_depth, the pre-activation of each layer. */
  preActivations: number[];
  /** w·f'(n_k) for each layer: the factor each layer multiplies the gradient by. */
  factors: number[];
}

/**
 * A cascade of `depth` single-unit layers a_k = f(w·a_{k-1} + b), a_0 = `input` (lecture 001, "Cascading sigmoid
 * layers" / "Cascading ReLU layers"), and its derivative by the chain rule:
 * d a_depth / d a_0 = ∏_{k=1}^{depth} w·f'(n_k), n_k = w·a_{k-1} + b.
 * Unlike `derivativeProduct`, each layer sees the output of the one below: sigmoid layers drift to σ(…) ≈ 0.66
 * and multiply the gradient by about 0.22 each, ReLU layers pass it unchanged for positive inputs.
 *
 * @param activation a name (default options) or `activation(name, options)`.
 * @param depth number of layers, an integer >= 0.
 * @param input a_0, the input of the first layer.
 */
export function cascadeDerivative(activation: ActivationName | ScalarActivation, depth: number, input: number, options: CascadeOptions = {}): CascadeResult {
  const fn = "cascadeDerivative";
  const f = resolveActivation(fn, "activation", activation);
  checkInteger(fn, "depth", depth, 0);
  checkNumber(fn, "input", input);
  const weight = checkNumber(fn, "options.weight", options.weight ?? 1);
  const bias = checkNumber(fn, "options.bias", options.bias ?? 0);
  const preActivations: number[] = [];
  const factors: number[] = [];
  let a = input;
  let derivative = 1;
  for (let k = 0; k < depth; k++) {
    const n = weight * a + bias;
    const factor = weight * f.derivative(n);
    preActivations.push(n);
    factors.push(factor);
    derivative *= factor;
    a = f.value(n);
  }
  return { output: a, derivative, preActivations, factors };
}
