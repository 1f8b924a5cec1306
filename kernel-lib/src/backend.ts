/**
 * Backend selection. `initBackend()` starts one TensorFlow.js backend and says which one runs, its version,
 * and for every other backend why it was not used.
 *
 * Choice: the `backend` option, else `KERNEL_LIB_BACKEND`, else `auto`.
 * - `auto`: `node` (@tensorflow/tfjs-node, native TensorFlow) if it loads, else `wasm`, else `cpu`.
 * - `cuda`: @tensorflow/tfjs-node-gpu, only when asked for. It needs CUDA 11.2 and cuDNN 8.1 (it wraps
 *   TensorFlow 2.9.1); without them TensorFlow silently runs on the CPU, so we check and refuse instead.
 * - `wasm`: @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD; single-threaded in Node). Works offline. Starting it
 *   installs kernel-lib's wasm kernels (./wasm-kernels: transposed and batched matrix products on XNNPACK, and
 *   the missing Conv2DBackpropFilter); the report lists them.
 * - `cpu`: the pure-JavaScript backend. Always available, slowest.
 * A backend that was asked for by name and cannot start throws an error that says why; it never
 * quietly runs somewhere else.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { checkOneOf } from "./errors";
import { packageVersion } from "./packages";
import { installWasmKernels } from "./wasm-kernels";

export type BackendName = "cuda" | "node" | "wasm" | "cpu";
export type BackendChoice = BackendName | "auto";
export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "cuda", "node", "wasm", "cpu"];
/** The order `auto` tries. `cuda` is never tried unless asked for. */
export const AUTO_ORDER: readonly BackendName[] = ["node", "wasm", "cpu"];

export interface BackendReport {
  /** The backend in use. */
  name: BackendName;
  /** tfjs's own name for it (`tensorflow`, `wasm`, `cpu`). */
  tfjsName: string;
  /** The package that provides it and its version, e.g. `@tensorflow/tfjs-backend-wasm 4.22.0`. */
  version: string;
  /** Details worth knowing (SIMD, threads, GPU device). */
  details: string;
  /** What was asked for, and where the request came from. */
  requested: BackendChoice;
  requestedBy: "option" | "KERNEL_LIB_BACKEND" | "default";
  /** Every other backend, with the reason it is not the one running. */
  notUsed: { name: BackendName; reason: string }[];
  /** The report as the lines every notebook prints first. */
  text: string;
}

/** A backend that could not start, with a reason meant for the person at the keyboard. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
  ) {
    super(`backend "${backend}" cannot be used: ${reason}`);
    this.name = "BackendUnavailableError";
  }
}

const CUDA_LIBRARIES = ["libcudart.so.11.0", "libcudnn.so.8"];
const CUDA_SETUP = "npm run setup:cuda";

interface Started {
  tfjsName: string;
  version: string;
  details: string;
}

let current: BackendReport | null = null;

/**
 * Starts the backend and returns its report. Calling it again with the same choice returns the same
 * report; a different choice switches backend.
 */
export async function initBackend(options: { backend?: BackendChoice } = {}): Promise<BackendReport> {
  const fromEnv = process.env.KERNEL_LIB_BACKEND;
  let requested: BackendChoice;
  let requestedBy: BackendReport["requestedBy"];
  if (options.backend !== undefined) {
    requested = checkOneOf("initBackend", "options.backend", options.backend, BACKEND_CHOICES);
    requestedBy = "option";
  } else if (fromEnv !== undefined && fromEnv !== "") {
    requested = checkOneOf("initBackend", "KERNEL_LIB_BACKEND", fromEnv, BACKEND_CHOICES);
    requestedBy = "KERNEL_LIB_BACKEND";
  } else {
    requested = "auto";
    requestedBy = "default";
  }
  if (current && current.requested === requested && tf.getBackend() === current.tfjsName) return current;

  const notUsed: BackendReport["notUsed"] = [];
  const candidates: readonly BackendName[] = requested === "auto" ? AUTO_ORDER : [requested];
  let chosen: { name: BackendName; started: Started } | null = null;
  for (const name of candidates) {
    try {
      chosen = { name, started: await start(name) };
      break;
    } catch (error) {
      const reason = error instanceof BackendUnavailableError ? error.reason : String(error);
      if (requested !== "auto") throw error instanceof BackendUnavailableError ? error : new BackendUnavailableError(name, reason);
      notUsed.push({ name, reason });
    }
  }
  if (!chosen) throw new Error(`initBackend: no backend could start:\n${notUsed.map((n) => `  ${n.name}: ${n.reason}`).join("\n")}`);

  for (const name of ["cuda", ...AUTO_ORDER] as BackendName[]) {
    if (name === chosen.name || notUsed.some((n) => n.name === name)) continue;
    notUsed.push({ name, reason: whyNotTried(name, chosen.name, requested) });
  }
  notUsed.sort((a, b) => order(a.name) - order(b.name));
  const how =
    requestedBy === "option"
      ? `initBackend({ backend: "${requested}" })`
      : requestedBy === "KERNEL_LIB_BACKEND"
        ? `KERNEL_LIB_BACKEND=${requested}`
        : "auto (the default)";
  const text = [
    `Backend: ${chosen.name} (${chosen.started.version}${chosen.started.details ? `; ${chosen.started.details}` : ""}), chosen by ${how}`,
    ...notUsed.map((n) => `  not ${n.name}: ${n.reason}`),
  ].join("\n");
  current = { name: chosen.name, ...chosen.started, requested, requestedBy, notUsed, text };
  return current;
}

function order(name: BackendName): number {
  return ["cuda", "node", "wasm", "cpu"].indexOf(name);
}

function whyNotTried(name: BackendName, chosen: BackendName, requested: BackendChoice): string {
  if (requested !== "auto") return `not requested (${requested} was asked for)`;
  if (name === "cuda") return `used only when asked for: run \`${CUDA_SETUP}\`, then set KERNEL_LIB_BACKEND=cuda`;
  return `${chosen} comes first in auto's order (${AUTO_ORDER.join(", ")})`;
}

/** The version of an installed package, or "unknown". */
function versionOf(name: string): string {
  try {
    return packageVersion(name);
  } catch {
    return "unknown";
  }
}

function isMissingPackage(error: unknown, name: string): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === "MODULE_NOT_FOUND" && typeof e.message === "string" && e.message.includes(`'${name}'`);
}

/** Where the dynamic loader would look for a shared library: LD_LIBRARY_PATH, ldconfig's cache, CUDA's usual homes. */
export function findSharedLibrary(file: string): string | null {
  const dirs = (process.env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean);
  dirs.push("/usr/local/cuda/lib64", "/usr/local/cuda-11.2/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib");
  for (const dir of dirs) {
    const candidate = path.join(dir, file);
    if (fs.existsSync(candidate)) return candidate;
  }
  try {
    const cache = execFileSync("ldconfig", ["-p"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const line = cache.split("\n").find((l) => l.trim().startsWith(`${file} `));
    if (line) return line.split("=>").pop()!.trim();
  } catch {
    // no ldconfig: rely on the directories above
  }
  return null;
}

async function activate(tfjsName: string, backend: BackendName, hint: string): Promise<void> {
  if (!tf.findBackendFactory(tfjsName)) {
    throw new BackendUnavailableError(
      backend,
      `the package loaded but registered no "${tfjsName}" backend with kernel-lib's copy of @tensorflow/tfjs (two copies of tfjs-core installed? run \`npm ls @tensorflow/tfjs-core\`)`,
    );
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend(tfjsName);
  } catch (error) {
    throw new BackendUnavailableError(backend, `${hint}: ${(error as Error).message}`);
  }
  if (!ok || tf.getBackend() !== tfjsName) throw new BackendUnavailableError(backend, `${hint}: tf.setBackend("${tfjsName}") returned false`);
  await tf.ready();
}

async function start(name: BackendName): Promise<Started> {
  switch (name) {
    case "cuda": {
      const pkg = "@tensorflow/tfjs-node-gpu";
      try {
        require.resolve(pkg);
      } catch {
        throw new BackendUnavailableError(
          name,
          `package ${pkg} is not installed: run \`${CUDA_SETUP}\` (on a Linux machine with an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1)`,
        );
      }
      const missing = CUDA_LIBRARIES.filter((lib) => findSharedLibrary(lib) === null);
      if (missing.length > 0) {
        throw new BackendUnavailableError(
          name,
          `CUDA 11.2 / cuDNN 8.1 libraries not found (${missing.join(", ")} missing from LD_LIBRARY_PATH, ldconfig and /usr/local/cuda*/lib64). ` +
            `${pkg} wraps TensorFlow 2.9.1, which needs exactly these; newer CUDA does not work, and without them TensorFlow silently runs on the CPU`,
        );
      }
      try {
        require(pkg);
      } catch (error) {
        throw new BackendUnavailableError(name, `${pkg} failed to load: ${(error as Error).message}`);
      }
      await activate("tensorflow", name, `${pkg} loaded`);
      const backend = tf.backend() as unknown as { isUsingGpuDevice?: boolean };
      if (backend.isUsingGpuDevice !== true) {
        throw new BackendUnavailableError(
          name,
          `${pkg} loaded but TensorFlow found no usable GPU and silently fell back to the CPU (check nvidia-smi, the driver, and that CUDA 11.2 / cuDNN 8.1 match)`,
        );
      }
      return { tfjsName: "tensorflow", version: `${pkg} ${versionOf(pkg)}`, details: "GPU device in use" };
    }
    case "node": {
      const pkg = "@tensorflow/tfjs-node";
      try {
        require(pkg);
      } catch (error) {
        if (isMissingPackage(error, pkg)) {
          throw new BackendUnavailableError(
            name,
            `package ${pkg} is not installed (it is an optional dependency whose install script downloads libtensorflow 2.9.1; that download failed or was skipped, e.g. offline). Rerun \`npm install\` with internet access to get it`,
          );
        }
        throw new BackendUnavailableError(name, `${pkg} failed to load: ${(error as Error).message.split("\n")[0]}`);
      }
      await activate("tensorflow", name, `${pkg} loaded`);
      return { tfjsName: "tensorflow", version: `${pkg} ${versionOf(pkg)}`, details: "native TensorFlow on the CPU" };
    }
    case "wasm": {
      const pkg = "@tensorflow/tfjs-backend-wasm";
      try {
        require(pkg);
      } catch (error) {
        throw new BackendUnavailableError(name, `${pkg} failed to load: ${(error as Error).message.split("\n")[0]}`);
      }
      await activate("wasm", name, "the WebAssembly module failed to start");
      const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
      const kernels = installWasmKernels();
      return {
        tfjsName: "wasm",
        version: `${pkg} ${versionOf(pkg)}`,
        details: `SIMD ${simd ? "on" : "off"}, single-threaded in Node; kernel-lib kernels: ${kernels.join(", ")}`,
      };
    }
    case "cpu": {
      await activate("cpu", name, "the JavaScript backend failed to start");
      // The cpu backend prints a banner urging tfjs-node on its first write; the report already says why
      // tfjs-node is not in use, so mark the banner as shown (an internal flag; harmless if it disappears).
      (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
      return { tfjsName: "cpu", version: `@tensorflow/tfjs-backend-cpu ${versionOf("@tensorflow/tfjs-backend-cpu")}`, details: "pure JavaScript" };
    }
  }
}
