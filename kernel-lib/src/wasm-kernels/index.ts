/**
 * Faster kernels for tfjs-backend-wasm, swapped into tfjs's kernel registry (the engine looks a kernel up on every
 * call, so a swap takes effect at once and can be undone). `initBackend` installs them when it starts wasm.
 *
 * - `BatchMatMul`, `_FusedMatMul`: transposed and batched products on XNNPACK's fast path (./matmul.ts);
 * - `Identity` sharing its input's data instead of copying it (./identity.ts);
 * - `Conv2DBackpropInput` with stride 1 as a convolution on XNNPACK (./conv.ts);
 * - `MaxPoolGrad` in one pass over the windows, with the first-maximum rule of the cpu backend (./pooling.ts);
 * - `Slice`, `GatherV2` as copies between heap views (mini-batches; ./copies.ts);
 * - `OneHot` with a float32 output, which the stock kernel fills with int32 bit patterns (./one-hot.ts);
 * - `Conv2DBackpropFilter`, missing from tfjs-backend-wasm 4.22, so conv nets train on wasm (./conv.ts); added
 *   only while wasm has no kernel of that name.
 *
 * Each replacement computes the same function as the kernel it replaces; the unit tests compare the two on the
 * same inputs (test/unit/wasm-kernels.test.ts), bitwise or within a derived float32 bound. Where the stock kernel is
 * wrong (a fused bias with a transpose or a batch, max-pool gradients of windows without a positive value, weights
 * used again after a reshape) the replacement computes what the cpu backend computes, and the tests compare with
 * that. `uninstallWasmKernels()` puts the stock kernels back, e.g. to measure both in one process.
 */
import * as tf from "@tensorflow/tfjs";
import { conv2DBackpropFilterKernel, conv2DBackpropInputKernel } from "./conv";
import { gatherKernel, sliceKernel } from "./copies";
import { identityKernel } from "./identity";
import { batchMatMulKernel, fusedMatMulKernel } from "./matmul";
import { oneHotKernel } from "./one-hot";
import { maxPoolGradKernel } from "./pooling";

/** A replacement: the kernel's name and how to build it from the stock kernel function. */
interface Replacement {
  kernelName: string;
  make(stock: tf.KernelFunc): tf.KernelFunc;
}

/** A kernel the stock backend lacks. */
interface Addition {
  kernelName: string;
  make(): tf.KernelFunc;
}

const REPLACEMENTS: readonly Replacement[] = [
  { kernelName: "BatchMatMul", make: batchMatMulKernel },
  { kernelName: "_FusedMatMul", make: fusedMatMulKernel },
  { kernelName: "Identity", make: identityKernel },
  { kernelName: "Conv2DBackpropInput", make: conv2DBackpropInputKernel },
  { kernelName: "MaxPoolGrad", make: maxPoolGradKernel },
  { kernelName: "Slice", make: sliceKernel },
  { kernelName: "GatherV2", make: gatherKernel },
  { kernelName: "OneHot", make: oneHotKernel },
];

const ADDITIONS: readonly Addition[] = [{ kernelName: "Conv2DBackpropFilter", make: conv2DBackpropFilterKernel }];

/** The stock configs (undefined for an addition) and the installed kernel functions, by kernel name. */
const stockConfigs = new Map<string, tf.KernelConfig | undefined>();
const installed = new Map<string, tf.KernelFunc>();

/** The wasm kernel registered now for `kernelName`, or undefined. */
function registered(kernelName: string): tf.KernelConfig | undefined {
  return tf.getKernel(kernelName, "wasm") ?? undefined;
}

/**
 * Registers kernel-lib's wasm kernels in place of the stock ones (and those wasm lacks) and returns the names of
 * the kernels replaced or added. Idempotent: a second call changes nothing and returns the same names. Needs
 * @tensorflow/tfjs-backend-wasm to be loaded (its kernels registered); it does not switch backend.
 */
export function installWasmKernels(): string[] {
  for (const { kernelName, make } of REPLACEMENTS) {
    const current = registered(kernelName);
    if (current === undefined) {
      throw new Error(
        `installWasmKernels: no wasm kernel "${kernelName}" is registered; load @tensorflow/tfjs-backend-wasm first (initBackend({ backend: "wasm" }))`,
      );
    }
    if (installed.has(kernelName) && current.kernelFunc === installed.get(kernelName)) continue;
    stockConfigs.set(kernelName, current);
    const kernelFunc = make(current.kernelFunc);
    installed.set(kernelName, kernelFunc);
    tf.unregisterKernel(kernelName, "wasm");
    // Keep the stock setup function: a re-initialized backend runs it to bind the C++ entry points we call.
    tf.registerKernel({ ...current, kernelFunc });
  }
  const added: string[] = [];
  for (const { kernelName, make } of ADDITIONS) {
    const current = registered(kernelName);
    if (installed.has(kernelName) && current?.kernelFunc === installed.get(kernelName)) {
      added.push(kernelName);
      continue;
    }
    if (current !== undefined) continue; // the backend has its own now: keep it
    const kernelFunc = make();
    stockConfigs.set(kernelName, undefined);
    installed.set(kernelName, kernelFunc);
    tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc });
    added.push(kernelName);
  }
  return [...REPLACEMENTS.map((r) => r.kernelName), ...added];
}

/** Puts the stock wasm kernels back. Idempotent; does nothing when nothing is installed. */
export function uninstallWasmKernels(): void {
  for (const [kernelName, kernelFunc] of installed) {
    const current = registered(kernelName);
    const stock = stockConfigs.get(kernelName);
    if (current !== undefined && current.kernelFunc === kernelFunc) {
      tf.unregisterKernel(kernelName, "wasm");
      if (stock !== undefined) tf.registerKernel(stock);
    }
  }
  installed.clear();
}

/** True when kernel-lib's replacements (all but the additions) are the wasm kernels registered now. */
export function wasmKernelsInstalled(): boolean {
  return REPLACEMENTS.every(({ kernelName }) => {
    const f = installed.get(kernelName);
    return f !== undefined && registered(kernelName)?.kernelFunc === f;
  });
}

/** The names of the kernels this module replaces or adds. */
export const WASM_KERNEL_NAMES: readonly string[] = [...REPLACEMENTS, ...ADDITIONS].map((r) => r.kernelName);
