/**
 * A declared search space: one dimension per hyperparameter, each a distribution to sample from and a range to lay
 * a grid on (lecture 003, "Hyperparameters": coarse to fine, random instead of grid, log-space sweeps of the learning
 * rate and weight decay).
 *
 *   logUniform(low, high)     log v ~ U(log low, log high): every decade gets the same share of the trials. For scale
 *                             parameters (learning rate, weight decay, init scale), whose effect is multiplicative.
 *   linearUniform(low, high)  v ~ U(low, high): for parameters whose effect is additive (a dropout rate, momentum).
 *   intUniform(low, high)     v uniform on the integers low, low + 1, ..., high (both ends included): layer counts, units.
 *   choice([a, b, ...])       one of the values with equal probability: activations, optimizers, on/off switches.
 *
 * Dimensions are plain frozen data ({ type, low, high } or { type, values }), so a space can be printed, saved as
 * JSON and checked again (`checkSpace`). (`linearUniform`, not `uniform`: kernel-lib's `uniform` is the weight initializer.)
 */
import { describeValue, invalidArgument } from "../errors";

/** A value a `choice` dimension may take: plain data that fits in a table cell. */
export type ChoiceValue = string | number | boolean | null;

export interface LogUniformDimension {
  readonly type: "logUniform";
  readonly low: number;
  readonly high: number;
}

export interface LinearUniformDimension {
  readonly type: "linearUniform";
  readonly low: number;
  readonly high: number;
}

export interface IntUniformDimension {
  readonly type: "intUniform";
  readonly low: number;
  readonly high: number;
}

export interface ChoiceDimension<T extends ChoiceValue = ChoiceValue> {
  readonly type: "choice";
  readonly values: readonly T[];
}

/** A dimension with a numeric range. */
export type NumericDimension = LogUniformDimension | LinearUniformDimension | IntUniformDimension;

export type Dimension = NumericDimension | ChoiceDimension;

/** Hyperparameter name → dimension. The declaration order is the order of sampling and of grid enumeration. */
export type SearchSpace = Readonly<Record<string, Dimension>>;

/** The parameters of one trial of space `S`: a number per numeric dimension, one of the values per choice. */
export type ParamsOf<S extends SearchSpace> = { [K in keyof S]: S[K] extends ChoiceDimension<infer T> ? T : number };

/** The dimension types, as written in `{ type }`. */
export const DIMENSION_TYPES = ["logUniform", "linearUniform", "intUniform", "choice"] as const;

/** Names the trial table uses for its own columns (`trialRows`): a dimension or a metric may not take them. */
export const RESERVED_NAMES = ["trial", "stage", "seed", "score"] as const;

const DIMENSION_HELP = "a dimension: logUniform(low, high), linearUniform(low, high), intUniform(low, high) or choice([...])";

/** Checks the bounds of a numeric dimension; `prefix` is "" for the constructors, "space.<name>." inside a space. */
function checkBounds(fn: string, prefix: string, type: NumericDimension["type"], low: unknown, high: unknown): void {
  const integer = type === "intUniform";
  const kind = integer ? "an integer" : "a finite number";
  const isValid = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && (!integer || Number.isInteger(v));
  if (!isValid(low)) invalidArgument(fn, `${prefix}low`, low, kind);
  if (type === "logUniform" && low <= 0) invalidArgument(fn, `${prefix}low`, low, "a finite number > 0 (a log-uniform range needs positive bounds)");
  if (!isValid(high) || high <= low) invalidArgument(fn, `${prefix}high`, high, `${kind} > low = ${low}`);
}

/** Checks the values of a choice dimension: non-empty, plain table values, no repeats. */
function checkChoices(fn: string, name: string, values: unknown): void {
  if (!Array.isArray(values) || values.length === 0) invalidArgument(fn, name, values, "a non-empty array of values");
  values.forEach((value, i) => {
    const plain = value === null || typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
    if (!plain) invalidArgument(fn, `${name}[${i}]`, value, "a string, a finite number, a boolean or null");
    if (values.indexOf(value) !== i) invalidArgument(fn, `${name}[${i}]`, value, `a value not already listed (it repeats ${name}[${values.indexOf(value)}])`);
  });
}

/**
 * Log-uniform on [low, high]: log v ~ U(log low, log high), density 1 / (v · ln(high/low)). Needs 0 < low < high.
 * Bergstra & Bengio (2012, JMLR 13) sample learning rates this way; lecture 003 sweeps them in log space.
 */
export function logUniform(low: number, high: number): LogUniformDimension {
  checkBounds("logUniform", "", "logUniform", low, high);
  return Object.freeze({ type: "logUniform", low, high });
}

/** Uniform on [low, high] in linear space: density 1 / (high − low). Needs low < high. */
export function linearUniform(low: number, high: number): LinearUniformDimension {
  checkBounds("linearUniform", "", "linearUniform", low, high);
  return Object.freeze({ type: "linearUniform", low, high });
}

/** Uniform on the integers low, low + 1, ..., high (both included), each with probability 1 / (high − low + 1). Needs integers low < high. */
export function intUniform(low: number, high: number): IntUniformDimension {
  checkBounds("intUniform", "", "intUniform", low, high);
  return Object.freeze({ type: "intUniform", low, high });
}

/** One of `values`, each with probability 1 / values.length. Values are strings, finite numbers, booleans or null, none repeated. */
export function choice<const T extends ChoiceValue>(values: readonly T[]): ChoiceDimension<T> {
  checkChoices("choice", "values", values);
  return Object.freeze({ type: "choice", values: Object.freeze(values.slice()) });
}

/** Checks one dimension of a space (a constructor's result, or the same object written by hand or read from JSON). */
export function checkDimension(fn: string, name: string, dimension: unknown): Dimension {
  const d = dimension as { type?: unknown; low?: unknown; high?: unknown; values?: unknown } | null;
  if (d === null || typeof d !== "object" || !(DIMENSION_TYPES as readonly unknown[]).includes(d.type)) {
    const type = d !== null && typeof d === "object" && "type" in d ? ` (unknown type ${describeValue(d.type)})` : "";
    invalidArgument(fn, name, dimension, `${DIMENSION_HELP}${type}`);
  }
  if (d.type === "choice") checkChoices(fn, `${name}.values`, d.values);
  else checkBounds(fn, `${name}.`, d.type as NumericDimension["type"], d.low, d.high);
  return d as Dimension;
}

/** Checks a whole space: a non-empty object of dimensions whose names are not reserved for the trial table. */
export function checkSpace<S extends SearchSpace>(fn: string, space: S): S {
  if (space === null || typeof space !== "object" || Array.isArray(space)) invalidArgument(fn, "space", space, "an object { name: dimension, ... }");
  const names = Object.keys(space);
  if (names.length === 0) invalidArgument(fn, "space", space, "at least one dimension");
  for (const name of names) {
    if ((RESERVED_NAMES as readonly string[]).includes(name)) {
      invalidArgument(fn, "space key", name, `a name other than ${RESERVED_NAMES.join(", ")} (the trial table's own columns)`);
    }
    checkDimension(fn, `space.${name}`, space[name]);
  }
  return space;
}

/** Whether a dimension has a numeric range. */
export function isNumeric(dimension: Dimension): dimension is NumericDimension {
  return dimension.type !== "choice";
}

/** A dimension as it would be written: `logUniform(0.0001, 0.1)`, `choice(["relu", "tanh"])`. */
export function describeDimension(dimension: Dimension): string {
  if (dimension.type === "choice") return `choice([${dimension.values.map((v) => JSON.stringify(v)).join(", ")}])`;
  return `${dimension.type}(${formatBound(dimension.low)}, ${formatBound(dimension.high)})`;
}

/** A space, one `name: dimension` per line (e.g. to print how coarse-to-fine narrowed it). */
export function describeSpace(space: SearchSpace): string {
  return Object.entries(space)
    .map(([name, dimension]) => `${name}: ${describeDimension(dimension)}`)
    .join("\n");
}

/** A bound with 4 significant digits (full precision stays in the dimension itself). */
function formatBound(value: number): string {
  return String(Number(value.toPrecision(4)));
}
