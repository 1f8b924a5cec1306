/**
 * The messages between a `TrainingPool` and its workers. Everything is plain data (structured clone); typed
 * arrays of results are transferred, not copied.
 */
import type { BackendChoice } from "../backend";
import type { EpochLogs } from "../training/fit";
import type { ModuleCall } from "./module-call";
import type { TrainingResult, TrainingTask } from "./training-task";

/** What a worker is started with. */
export interface WorkerSetup {
  /** The backend to start (the main thread's, unless the pool was told otherwise); undefined: kernel-lib's default. */
  backend?: BackendChoice;
  /** Absolute paths of modules to load before the first job (e.g. ones that register custom layers). */
  preload: string[];
}

/** A job: a training task, a module call, or starting the worker's backend (answered with `called`, value null). */
export type JobMessage =
  | { type: "train"; id: number; index: number; seed: number; task: TrainingTask; reportEpochs: boolean }
  | { type: "call"; id: number; index: number; call: ModuleCall }
  | { type: "start"; id: number; index: number };

/** An error as plain data, as the worker saw it. */
export interface RemoteError {
  name: string;
  message: string;
  stack?: string;
}

/** What a worker posts back: progress, a result, or a failure. */
export type WorkerMessage =
  | { type: "epoch"; id: number; logs: EpochLogs }
  | { type: "trained"; id: number; result: TrainingResult }
  | { type: "called"; id: number; value: unknown }
  | { type: "failed"; id: number; error: RemoteError };

/** An error (or anything thrown) as plain data. */
export function remoteError(error: unknown): RemoteError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: "Error", message: String(error) };
}
