/**
 * The activation functions of the lectures as plain numbers in float64, with their derivatives: for plotting
 * f and f', and for the vanishing-gradient argument (products of f' through a stack of layers).
 *
 * Sources: lecture 004 (RWTH "Tricks of the trade": LeCun's tanh, sigmoid/tanh saturation, ReLU, leaky ReLU,
 * ELU) and lecture 001 (vanishing gradient in cascaded sigmoid/tanh layers vs ReLU).
 */
import { checkNumber, checkOneOf, invalidArgument } from "../errors";

/** The activations this module knows, by name. */
export const ACTIVATION_NAMES = ["sigmoid", "tanh", "lecunTanh", "relu", "leakyRelu", "elu"] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** Scale of LeCun's tanh, f(x) = 1.7159 tanh(2x/3): chosen so that f(±1) = ±1 (LeCun et al. 1998, "Efficient BackProp", §4.4). */
export const LECUN_TANH_SCALE = 1.7159;
/** Input slope of LeCun's tanh, f(x) = 1.7159 tanh(2x/3). */
export const LECUN_TANH_SLOPE = 2 / 3;

/** Options of the activations that have any. */
export interface ActivationOptions {
  /** Leaky ReLU: slope β for x <= 0, in [0, 1]; default 0.01. (tfjs calls it `alpha`, default 0.2 there.) */
  negativeSlope?: number;
  /** ELU: α, the value approached as x → -∞ is -α; default 1. */
  alpha?: number;
}

/** One activation on plain numbers: its value, its derivative and the facts a notebook quotes. */
export interface ScalarActivation {
  readonly name: ActivationName;
  /** The name, plus the options when they differ from the defaults, e.g. `leakyRelu(negativeSlope=0.1)`: for legends. */
  readonly label: string;
  /** The options in effect, defaults filled in (empty for activations without options). */
  readonly options: Readonly<ActivationOptions>;
  /** f(x) in LaTeX. */
  readonly formula: string;
  /** f'(x) in LaTeX. */
  readonly derivativeFormula: string;
  /** Where the formula comes from. */
  readonly source: string;
  /** f(x). */
  value(x: number): number;
  /** f'(x); at a kink, the convention tfjs uses for its gradient (see each formula). */
  derivative(x: number): number;
  /** sup over x of f'(x): the most a layer can pass back per unit of gradient (sigmoid 1/4, tanh 1, LeCun's tanh ≈ 1.1439). */
  readonly maxDerivative: number;
  /** Where f' reaches `maxDerivative`, in words: "x = 0", "x > 0". */
  readonly maxDerivativeAt: string;
  /** The range of f: [lowest, highest] value (the bounds may only be approached). */
  readonly range: readonly [number, number];
}

const DEFAULTS = { negativeSlope: 0.01, alpha: 1 } as const;
const OPTIONS_OF: Record<ActivationName, readonly (keyof ActivationOptions)[]> = {
  sigmoid: [],
  tanh: [],
  lecunTanh: [],
  relu: [],
  leakyRelu: ["negativeSlope"],
  elu: ["alpha"],
};

/** Logistic sigmoid without overflow: 1 / (1 + e^{-x}) for x >= 0, e^x / (1 + e^x) for x < 0. */
function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** 1 / cosh²(x) = 1 - tanh²(x), without the cancellation of the second form when tanh(x) ≈ ±1. */
function sech2(x: number): number {
  const c = Math.cosh(x);
  return 1 / (c * c);
}

type Definition = Omit<ScalarActivation, "name" | "label" | "options" | "value" | "derivative"> & {
  value: (x: number) => number;
  derivative: (x: number) => number;
};

function define(name: ActivationName, options: Required<ActivationOptions>): Definition {
  switch (name) {
    case "sigmoid":
      return {
        formula: "\\sigma(x) = \\frac{1}{1 + e^{-x}}",
        derivativeFormula: "\\sigma'(x) = \\sigma(x)\\,(1 - \\sigma(x)) = \\sigma(x)\\,\\sigma(-x)",
        source: "logistic sigmoid; lecture 004 (saturation), lecture 001 (vanishing gradient)",
        value: logistic,
        derivative: (x) => logistic(x) * logistic(-x),
        maxDerivative: 0.25,
        maxDerivativeAt: "x = 0",
        range: [0, 1],
      };
    case "tanh":
      return {
        formula: "\\tanh(x) = \\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
        derivativeFormula: "\\tanh'(x) = 1 - \\tanh^2(x) = \\frac{1}{\\cosh^2(x)}",
        source: "lecture 004 (symmetric sigmoid, saturation), lecture 001 (tansig)",
        value: Math.tanh,
        derivative: sech2,
        maxDerivative: 1,
        maxDerivativeAt: "x = 0",
        range: [-1, 1],
      };
    case "lecunTanh":
      return {
        formula: "f(x) = 1.7159 \\tanh\\left(\\tfrac{2}{3}x\\right)",
        derivativeFormula: "f'(x) = 1.7159 \\cdot \\tfrac{2}{3}\\left(1 - \\tanh^2\\left(\\tfrac{2}{3}x\\right)\\right)",
        source: "lecture 004 'Choosing the right sigmoid'; LeCun, Bottou, Orr, Müller 1998, Efficient BackProp, §4.4",
        value: (x) => LECUN_TANH_SCALE * Math.tanh(LECUN_TANH_SLOPE * x),
        derivative: (x) => LECUN_TANH_SCALE * LECUN_TANH_SLOPE * sech2(LECUN_TANH_SLOPE * x),
        maxDerivative: LECUN_TANH_SCALE * LECUN_TANH_SLOPE,
        maxDerivativeAt: "x = 0",
        range: [-LECUN_TANH_SCALE, LECUN_TANH_SCALE],
      };
    case "relu":
      return {
        formula: "g(x) = \\max\\{0, x\\}",
        derivativeFormula: "g'(x) = 1 \\text{ for } x > 0, \\; 0 \\text{ else}",
        source: "lecture 004 'Extension: ReLU', lecture 001 (poslin)",
        value: (x) => (x > 0 ? x : 0),
        derivative: (x) => (x > 0 ? 1 : 0),
        maxDerivative: 1,
        maxDerivativeAt: "x > 0",
        range: [0, Infinity],
      };
    case "leakyRelu": {
      const slope = options.negativeSlope;
      return {
        formula: `g(x) = \\max\\{\\beta x, x\\}, \\; \\beta = ${slope}`,
        derivativeFormula: "g'(x) = 1 \\text{ for } x > 0, \\; \\beta \\text{ else}",
        source: "lecture 004 'Further extensions: leaky ReLU' (Maas, Hannun, Ng 2013)",
        value: (x) => (x > 0 ? x : slope * x),
        derivative: (x) => (x > 0 ? 1 : slope),
        maxDerivative: 1,
        maxDerivativeAt: "x > 0",
        range: [slope === 0 ? 0 : -Infinity, Infinity],
      };
    }
    case "elu": {
      const alpha = options.alpha;
      return {
        // Lecture 004 prints the two cases swapped (a for x < 0); this is the paper's definition.
        formula: `g(x) = x \\text{ for } x > 0, \\; \\alpha\\,(e^{x} - 1) \\text{ else}, \\; \\alpha = ${alpha}`,
        derivativeFormula: "g'(x) = 1 \\text{ for } x > 0, \\; \\alpha e^{x} \\text{ else}",
        source: "lecture 004 'ELU' (its slide swaps the two cases); Clevert, Unterthiner, Hochreiter 2016",
        value: (x) => (x > 0 ? x : alpha * Math.expm1(x)),
        derivative: (x) => (x > 0 ? 1 : alpha * Math.exp(x)),
        maxDerivative: Math.max(1, alpha),
        maxDerivativeAt: alpha > 1 ? "x → 0 from below" : alpha === 1 ? "x >= 0" : "x > 0",
        range: [-alpha, Infinity],
      };
    }
  }
}

/**
 * The activation `name` on plain numbers (float64): `{ value, derivative, maxDerivative, ... }`.
 *
 * - sigmoid: σ(x) = 1/(1+e^{-x}), σ' = σ(1-σ), max 1/4 at 0.
 * - tanh: tanh(x), tanh' = 1 - tanh², max 1 at 0.
 * - lecunTanh: 1.7159 tanh(2x/3), f' = 1.7159·(2/3)·(1 - tanh²(2x/3)), max ≈ 1.1439 at 0; f(±1) = ±1.
 * - relu: max{0, x}, g' = 1 for x > 0 and 0 else (also at 0, as in tfjs).
 * - leakyRelu: max{βx, x} with β = `options.negativeSlope` (default 0.01), g' = 1 for x > 0, β else.
 * - elu: x for x > 0, α(e^x - 1) else, with α = `options.alpha` (default 1); g' = 1 for x > 0, αe^x else.
 *
 * Options that the activation does not take are an error (tfjs's leaky ReLU calls its slope `alpha`; here
 * it is `negativeSlope`, so `activation("leakyRelu", { alpha: 0.2 })` is caught rather than ignored).
 */
export function activation(name: ActivationName, options: ActivationOptions = {}): ScalarActivation {
  const fn = "activation";
  checkOneOf(fn, "name", name, ACTIVATION_NAMES);
  if (options === null || typeof options !== "object" || Array.isArray(options)) invalidArgument(fn, "options", options, "an options object");
  const allowed = OPTIONS_OF[name];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!(allowed as readonly string[]).includes(key)) {
      const expected = allowed.length === 0 ? `no options for "${name}"` : `only ${allowed.join(", ")} for "${name}"`;
      invalidArgument(fn, `options.${key}`, value, expected);
    }
  }
  const negativeSlope = checkNumber(fn, "options.negativeSlope", options.negativeSlope ?? DEFAULTS.negativeSlope, 0, 1);
  const alpha = checkNumber(fn, "options.alpha", options.alpha ?? DEFAULTS.alpha, 0);
  const inEffect: ActivationOptions = {};
  if (allowed.includes("negativeSlope")) inEffect.negativeSlope = negativeSlope;
  if (allowed.includes("alpha")) inEffect.alpha = alpha;
  const changed = Object.entries(inEffect).filter(([key, value]) => value !== DEFAULTS[key as keyof typeof DEFAULTS]);
  const label = changed.length === 0 ? name : `${name}(${changed.map(([key, value]) => `${key}=${value}`).join(", ")})`;
  const definition = define(name, { negativeSlope, alpha });
  const checked = (what: "value" | "derivative", f: (x: number) => number) => (x: number) => {
    if (typeof x !== "number" || Number.isNaN(x)) invalidArgument(`activation("${name}").${what}`, "x", x, "a number");
    return f(x);
  };
  return Object.freeze({
    ...definition,
    name,
    label,
    options: Object.freeze(inEffect),
    value: checked("value", definition.value),
    derivative: checked("derivative", definition.derivative),
  });
}

/** Every activation with its default options, by name: `ACTIVATIONS.sigmoid.maxDerivative === 0.25`. */
export const ACTIVATIONS: Readonly<Record<ActivationName, ScalarActivation>> = Object.freeze(
  Object.fromEntries(ACTIVATION_NAMES.map((name) => [name, activation(name)])) as Record<ActivationName, ScalarActivation>,
);

/** A name (default options) or an activation made by `activation(name, options)`; checked, for the helpers of this module. */
export function resolveActivation(fn: string, argName: string, value: ActivationName | ScalarActivation): ScalarActivation {
  if (typeof value === "string") return ACTIVATIONS[checkOneOf(fn, argName, value, ACTIVATION_NAMES)];
  if (value !== null && typeof value === "object" && typeof value.value === "function" && typeof value.derivative === "function") return value;
  return invalidArgument(fn, argName, value, `one of ${ACTIVATION_NAMES.map((a) => JSON.stringify(a)).join(", ")} or an activation(name, options)`);
}
