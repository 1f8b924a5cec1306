/**
 * The few internals of @tensorflow/tfjs-backend-wasm 4.22 that the replacement kernels use, typed in one place.
 *
 * A wasm tensor is a block of the module's heap registered under a numeric id; C++ kernels take ids. The stock
 * TypeScript kernels reach the heap through `backend.dataIdMap`, `backend.makeOutput` and `backend.disposeData`,
 * and call C++ through functions made with the Emscripten module's `cwrap`. We do the same. Two extra moves:
 * - a *view*: `makeOutput(shape, dtype, memoryOffset)` registers an id for memory that another tensor owns (the
 *   backend's own, documented use of that argument), so one batch slice of a tensor can be handed to a C++ kernel
 *   without copying; a view is released with the C++ `disposeData` alone (never `_free`, which would free the
 *   owner's memory);
 * - an *alias*: a `TensorInfo` with the same `dataId` and another shape of the same size. Kernels read the data
 *   by id and the shape from the `TensorInfo`, so this is a free reshape.
 * If a later tfjs changes these internals, `checkWasmBackend` fails loudly instead of computing garbage.
 */
import * as tf from "@tensorflow/tfjs";

/** What the wasm backend keeps for each tensor. */
interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: tf.DataType;
  refCount: number;
}

/** The Emscripten module plus the C++ entry points the backend exports. */
interface WasmModule {
  cwrap(name: string, returnType: null, argTypes: ("number" | "array")[]): (...args: (number | boolean | Uint8Array)[]) => void;
  tfjs: { disposeData(id: number): void };
  HEAPU8: Uint8Array;
}

/** The backend object that kernels receive as `backend` (tfjs-backend-wasm's `BackendWasm`). */
export interface WasmBackend {
  wasm: WasmModule;
  dataIdMap: { get(dataId: tf.DataId): WasmTensorData | undefined; delete(dataId: tf.DataId): boolean };
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  incRef(dataId: tf.DataId): void;
}

/** Checks that `backend` looks like tfjs-backend-wasm's backend and returns it typed. */
export function checkWasmBackend(backend: unknown, kernel: string): WasmBackend {
  const b = backend as Partial<WasmBackend> | null;
  if (
    b == null ||
    typeof b.makeOutput !== "function" ||
    typeof b.disposeData !== "function" ||
    typeof b.incRef !== "function" ||
    b.dataIdMap == null ||
    b.wasm == null ||
    typeof b.wasm.cwrap !== "function" ||
    typeof b.wasm.tfjs?.disposeData !== "function" ||
    !(b.wasm.HEAPU8 instanceof Uint8Array)
  ) {
    throw new Error(`kernel-lib's wasm ${kernel} kernel: the backend is not tfjs-backend-wasm 4.x (internals changed?); call uninstallWasmKernels()`);
  }
  return b as WasmBackend;
}

/** The C++ id of a tensor. */
export function tensorId(backend: WasmBackend, info: tf.TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId);
  if (data === undefined) throw new Error("kernel-lib wasm kernels: a tensor's data is not on the wasm backend");
  return data.id;
}

/** Byte offset of a tensor's first element in the wasm heap. */
function memoryOffset(backend: WasmBackend, info: tf.TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId);
  if (data === undefined) throw new Error("kernel-lib wasm kernels: a tensor's data is not on the wasm backend");
  return data.memoryOffset;
}

/** The same data seen with another shape of the same size (no copy; the caller keeps owning `info`). */
export function alias(info: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/**
 * A float32 view of `shape` starting `offset` elements into `owner`'s memory. Release it with `disposeView`,
 * before `owner` is released.
 */
export function view(backend: WasmBackend, owner: tf.TensorInfo, offset: number, shape: number[]): tf.TensorInfo {
  return backend.makeOutput(shape, owner.dtype, memoryOffset(backend, owner) + 4 * offset);
}

/** Unregisters a view made by `view` (its memory belongs to its owner and stays). */
export function disposeView(backend: WasmBackend, info: tf.TensorInfo): void {
  const id = tensorId(backend, info);
  backend.dataIdMap.delete(info.dataId);
  backend.wasm.tfjs.disposeData(id);
}

/** Frees a temporary tensor that a kernel made (refCount 1). */
export function disposeTemporary(backend: WasmBackend, info: tf.TensorInfo): void {
  backend.disposeData(info.dataId);
}

/**
 * The float32 elements of a tensor as a Float32Array over the wasm heap (no copy). Valid until the next
 * allocation (a growing heap replaces its buffer): take it right before use.
 */
export function heapFloats(backend: WasmBackend, info: tf.TensorInfo): Float32Array {
  return new Float32Array(backend.wasm.HEAPU8.buffer, memoryOffset(backend, info), tf.util.sizeFromShape(info.shape));
}

/** A tensor's elements (float32, int32 or bool) as a typed array over the wasm heap (no copy); see `heapFloats`. */
export function heapElements(backend: WasmBackend, info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array {
  const buffer = backend.wasm.HEAPU8.buffer;
  const offset = memoryOffset(backend, info);
  const size = tf.util.sizeFromShape(info.shape);
  if (info.dtype === "float32") return new Float32Array(buffer, offset, size);
  if (info.dtype === "int32") return new Int32Array(buffer, offset, size);
  if (info.dtype === "bool") return new Uint8Array(buffer, offset, size);
  throw new Error(`kernel-lib wasm kernels: no heap view for dtype ${info.dtype}`);
}

/** A shape as the byte array the C++ entry points take (`'array'` arguments of `cwrap`). */
export function shapeBytes(shape: readonly number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

const wrapped = new WeakMap<WasmModule, Map<string, (...args: (number | boolean | Uint8Array)[]) => void>>();

/** The C++ entry point `name`, wrapped once per wasm module. */
export function cFunction(backend: WasmBackend, name: string, argTypes: ("number" | "array")[]): (...args: (number | boolean | Uint8Array)[]) => void {
  let functions = wrapped.get(backend.wasm);
  if (functions === undefined) {
    functions = new Map();
    wrapped.set(backend.wasm, functions);
  }
  let f = functions.get(name);
  if (f === undefined) {
    f = backend.wasm.cwrap(name, null, argTypes);
    functions.set(name, f);
  }
  return f;
}
