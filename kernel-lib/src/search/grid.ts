/**
 * Grids over a search space. Each dimension is given either explicit values or a number of points n:
 *
 *   logUniform     n points evenly spaced in log space, both ends included: low · (high/low)^(i/(n−1))
 *   linearUniform  n points evenly spaced, both ends included: low + i · (high − low)/(n − 1)
 *   intUniform     round(low + i · (high − low)/(n − 1)), n ≤ high − low + 1 so that no two points coincide
 *   choice         no count: all its values when left out, or a list of some of them
 *
 * (n = 1 gives the middle of the range: the geometric mean for logUniform.) The grid is the Cartesian product,
 * enumerated like nested loops written in the space's declaration order: the LAST dimension varies fastest.
 */
import { checkInteger, describeValue, invalidArgument } from "../errors";
import { type ChoiceValue, type Dimension, type ParamsOf, type SearchSpace, checkSpace } from "./space";

/** How one dimension is laid on the grid: a number of points, or the values themselves. */
export type GridAxis<T extends ChoiceValue = ChoiceValue> = number | readonly T[];

/** A grid over space `S`: an axis per dimension; choice dimensions may be left out (all their values). */
export type GridSpec<S extends SearchSpace> = { readonly [K in keyof S]?: GridAxis<ParamsOf<S>[K]> };

/** `n` points of a numeric range, evenly spaced in linear or log space, ends exact. */
function spacedPoints(low: number, high: number, n: number, log: boolean): number[] {
  if (n === 1) return [log ? Math.sqrt(low * high) : (low + high) / 2];
  const [a, b] = log ? [Math.log(low), Math.log(high)] : [low, high];
  return Array.from({ length: n }, (_, i) => {
    if (i === 0) return low;
    if (i === n - 1) return high;
    const t = a + (i * (b - a)) / (n - 1);
    return log ? Math.exp(t) : t;
  });
}

/** Whether `value` lies in the dimension (closed range, integer for intUniform, listed for choice). */
function contains(dimension: Dimension, value: unknown): boolean {
  if (dimension.type === "choice") return dimension.values.includes(value as ChoiceValue);
  if (typeof value !== "number" || !Number.isFinite(value) || value < dimension.low || value > dimension.high) return false;
  return dimension.type !== "intUniform" || Number.isInteger(value);
}

/** The grid values of one dimension; `name` is how errors call the axis, e.g. "options.grid.learningRate". */
export function gridValues(fn: string, name: string, dimension: Dimension, axis: GridAxis | undefined): ChoiceValue[] {
  if (axis === undefined) {
    if (dimension.type === "choice") return dimension.values.slice();
    return invalidArgument(fn, name, axis, `a number of points or a list of values (a ${dimension.type} dimension has no default grid)`);
  }
  if (typeof axis === "number") {
    if (dimension.type === "choice") invalidArgument(fn, name, axis, "a list of the choice's values, or nothing for all of them");
    if (dimension.type === "intUniform") {
      const count = dimension.high - dimension.low + 1;
      checkInteger(fn, name, axis, 1, count);
      return spacedPoints(dimension.low, dimension.high, axis, false).map(Math.round);
    }
    checkInteger(fn, name, axis, 1);
    return spacedPoints(dimension.low, dimension.high, axis, dimension.type === "logUniform");
  }
  if (!Array.isArray(axis) || axis.length === 0) invalidArgument(fn, name, axis, "a number of points >= 1 or a non-empty array of values");
  axis.forEach((value, i) => {
    if (!contains(dimension, value)) {
      const where =
        dimension.type === "choice"
          ? `one of ${describeValue(dimension.values)}`
          : `${dimension.type === "intUniform" ? "an integer" : "a number"} in [${dimension.low}, ${dimension.high}]`;
      invalidArgument(fn, `${name}[${i}]`, value, `${where} (inside the declared space)`);
    }
    if (axis.indexOf(value) !== i) invalidArgument(fn, `${name}[${i}]`, value, `a value not already listed (it repeats ${name}[${axis.indexOf(value)}])`);
  });
  return axis.slice();
}

/** The checked axes of a grid, in the space's declaration order. */
function gridAxes(fn: string, space: SearchSpace, grid: unknown, gridName: string): { names: string[]; axes: ChoiceValue[][] } {
  checkSpace(fn, space);
  if (grid === null || typeof grid !== "object" || Array.isArray(grid)) invalidArgument(fn, gridName, grid, "an object { dimension: points or values }");
  const spec = grid as Record<string, GridAxis | undefined>;
  for (const name of Object.keys(spec)) {
    if (!(name in space)) invalidArgument(fn, `${gridName}.${name}`, spec[name], `no axis: the space has no dimension "${name}"`);
  }
  const names = Object.keys(space);
  return { names, axes: names.map((name) => gridValues(fn, `${gridName}.${name}`, space[name]!, spec[name])) };
}

/**
 * Every point of the grid, last dimension fastest. `gridPoints({ a, b }, { a: [1, 2], b: [10, 20] })` is
 * [{a: 1, b: 10}, {a: 1, b: 20}, {a: 2, b: 10}, {a: 2, b: 20}]. `fn` and `gridName` only change how errors read.
 */
export function gridPoints<S extends SearchSpace>(space: S, grid: GridSpec<S> = {}, fn = "gridPoints", gridName = "grid"): ParamsOf<S>[] {
  const { names, axes } = gridAxes(fn, space, grid, gridName);
  const total = axes.reduce((product, values) => product * values.length, 1);
  const points: ParamsOf<S>[] = [];
  for (let flat = 0; flat < total; flat++) {
    const indices: number[] = new Array(names.length);
    let rest = flat;
    for (let d = names.length - 1; d >= 0; d--) {
      indices[d] = rest % axes[d]!.length;
      rest = Math.floor(rest / axes[d]!.length);
    }
    points.push(Object.fromEntries(names.map((name, d) => [name, axes[d]![indices[d]!]!])) as ParamsOf<S>);
  }
  return points;
}

/** How many points the grid has (the product of the axis lengths), without building it. */
export function gridSize<S extends SearchSpace>(space: S, grid: GridSpec<S> = {}, fn = "gridSize", gridName = "grid"): number {
  return gridAxes(fn, space, grid, gridName).axes.reduce((product, values) => product * values.length, 1);
}
