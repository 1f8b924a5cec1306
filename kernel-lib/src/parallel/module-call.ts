/**
 * The pool's escape hatch: call an exported function of a JavaScript module with plain-data arguments, for work
 * that a `TrainingTask` does not describe (a custom training loop, a probe, a sweep step). The module is loaded by
 * its absolute path with `require`, in the worker that runs the call (with kernel-lib's backend started there), or
 * in the main thread by `runSequential`. It must be JavaScript at run time (a built file, not TypeScript source);
 * a module that needs kernel-lib imports the built package ("kernel-lib"), which is the worker's own copy.
 */
import * as path from "path";
import { describeValue, invalidArgument } from "../errors";

/** A call of `module`'s export `name` with `args`: all plain data (structured-clone-able). */
export interface ModuleCall {
  /** Absolute path of a JavaScript module (CommonJS, or anything `require` loads). */
  module: string;
  /** Name of the exported function. Default `"default"`. */
  export?: string;
  /** Arguments, plain data; typed arrays in SharedArrayBuffers are shared, not copied. */
  args?: unknown[];
}

/** Checks a module call: an absolute path, an export name, an argument list. */
export function checkModuleCall(fn: string, name: string, value: unknown): ModuleCall {
  const call = value as Partial<ModuleCall> | null;
  if (call === null || typeof call !== "object") invalidArgument(fn, name, value, "a module call { module, export?, args? }");
  if (typeof call.module !== "string" || !path.isAbsolute(call.module))
    invalidArgument(fn, `${name}.module`, call.module, "an absolute path of a JavaScript module");
  if (call.export !== undefined && typeof call.export !== "string") invalidArgument(fn, `${name}.export`, call.export, "the name of an exported function");
  if (call.args !== undefined && !Array.isArray(call.args)) invalidArgument(fn, `${name}.args`, call.args, "an array of arguments");
  return call as ModuleCall;
}

/** Loads the module, finds the function and awaits its result. */
export async function runModuleCall(call: ModuleCall): Promise<unknown> {
  const exported = call.export ?? "default";
  const loaded = require(call.module) as Record<string, unknown>;
  const target = loaded[exported];
  if (typeof target !== "function") {
    invalidArgument(
      "runModuleCall",
      "call.export",
      exported,
      `the name of a function exported by ${call.module} (it exports ${describeValue(Object.keys(loaded))})`,
    );
  }
  return await (target as (...args: unknown[]) => unknown)(...(call.args ?? []));
}
