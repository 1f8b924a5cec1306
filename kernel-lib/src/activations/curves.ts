/** Rows of f(x) and f'(x) on a grid, ready for `lineChart` (one line per activation). */
import { checkInteger, checkNumber, invalidArgument } from "../errors";
import { type ActivationName, type ScalarActivation, resolveActivation } from "./functions";

/** One point of one curve. A type alias (not an interface) so that it is a plots `Row`. */
export type ActivationCurveRow = {
  /** The activation's label, e.g. "sigmoid" or "leakyRelu(negativeSlope=0.1)". */
  activation: string;
  x: number;
  /** f(x). */
  value: number;
  /** f'(x). */
  derivative: number;
};

export interface CurveOptions {
  /** First x; default -5. */
  from?: number;
  /** Last x, > from; default 5. */
  to?: number;
  /** Number of evenly spaced x from `from` to `to`, both included, >= 2; default 201. */
  points?: number;
}

/**
 * f(x) and f'(x) of each activation on an even grid, as long-format rows for
 * `lineChart({ data, x: "x", y: "value" | "derivative", series: "activation" })`: the saturation picture of
 * lecture 004 (sigmoid and tanh flat, derivative near 0, for |x| > 3) and lecture 001.
 */
export function activationCurves(activations: readonly (ActivationName | ScalarActivation)[], options: CurveOptions = {}): ActivationCurveRow[] {
  const fn = "activationCurves";
  if (!Array.isArray(activations) || activations.length === 0) invalidArgument(fn, "activations", activations, "a non-empty array of activation names");
  const fs = activations.map((a, i) => resolveActivation(fn, `activations[${i}]`, a));
  const from = checkNumber(fn, "options.from", options.from ?? -5);
  const to = checkNumber(fn, "options.to", options.to ?? 5);
  if (!(to > from)) invalidArgument(fn, "options.to", to, `a number > options.from (${from})`);
  const points = checkInteger(fn, "options.points", options.points ?? 201, 2);
  const rows: ActivationCurveRow[] = [];
  for (const f of fs) {
    for (let i = 0; i < points; i++) {
      const x = from + ((to - from) * i) / (points - 1);
      rows.push({ activation: f.label, x, value: f.value(x), derivative: f.derivative(x) });
    }
  }
  return rows;
}
