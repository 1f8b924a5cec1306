/**
 * Argument checks shared by every module: an error names the argument, the value it got and what was
 * expected, so a student can fix the call without reading the library.
 */

/** Formats a value for an error message, short enough for one line. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value == null) return String(value);
  if (Array.isArray(value)) return `[${value.slice(0, 6).map(describeValue).join(", ")}${value.length > 6 ? ", ..." : ""}]`;
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Throws `RangeError("<fn>: <name> = <value>, expected <expected>")`. */
export function invalidArgument(fn: string, name: string, value: unknown, expected: string): never {
  throw new RangeError(`${fn}: ${name} = ${describeValue(value)}, expected ${expected}`);
}

/** Checks that `value` is an integer in [min, max]. */
export function checkInteger(fn: string, name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? (min === -Infinity ? "" : ` >= ${min}`) : ` in [${min}, ${max}]`;
    invalidArgument(fn, name, value, `an integer${range}`);
  }
  return value;
}

/** Checks that `value` is a finite number in the closed interval [min, max]. */
export function checkNumber(fn: string, name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? (min === -Infinity ? "" : ` >= ${min}`) : ` in [${min}, ${max}]`;
    invalidArgument(fn, name, value, `a finite number${range}`);
  }
  return value;
}

/** Checks that `value` is one of `allowed`. */
export function checkOneOf<T extends string>(fn: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    invalidArgument(fn, name, value, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
  }
  return value as T;
}
