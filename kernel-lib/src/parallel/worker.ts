/**
 * The script each `TrainingPool` worker runs (from kernel-lib/dist/parallel/worker.js). It starts its own tfjs
 * backend once, then runs one job at a time: a training task or a module call, posting results back as plain
 * data. It imports kernel-lib's index, so every kernel-lib class (initializers, layers) is registered for
 * deserialization, exactly as in the main thread.
 */
import { parentPort, workerData } from "worker_threads";
import "../index";
import { initBackend } from "../backend";
import { runModuleCall } from "./module-call";
import { type JobMessage, type WorkerMessage, type WorkerSetup, remoteError } from "./protocol";
import { type TrainingResult, runTrainingTask } from "./training-task";
import type { EpochLogs } from "../training/fit";

const setup = workerData as WorkerSetup;
let ready: Promise<void> | null = null;

/** Starts the backend and loads the preloaded modules, once. */
function prepare(): Promise<void> {
  ready ??= (async () => {
    await initBackend(setup.backend === undefined ? {} : { backend: setup.backend });
    for (const module of setup.preload) require(module);
  })();
  return ready;
}

/** The result's own array buffers, to transfer rather than copy (shared memory is neither). */
function transferables(result: TrainingResult): ArrayBuffer[] {
  const arrays = [...result.weights.map((w) => w.values), ...(result.predictions ? [result.predictions.values] : [])];
  return arrays.map((a) => a.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

async function handle(job: JobMessage): Promise<void> {
  const port = parentPort!;
  const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  try {
    await prepare();
    if (job.type === "train") {
      const onEpochEnd = job.reportEpochs ? (logs: EpochLogs) => post({ type: "epoch", id: job.id, logs }) : undefined;
      const result = await runTrainingTask(job.task, job.index, job.seed, onEpochEnd);
      post({ type: "trained", id: job.id, result }, transferables(result));
    } else if (job.type === "call") {
      post({ type: "called", id: job.id, value: await runModuleCall(job.call) });
    } else {
      post({ type: "called", id: job.id, value: null });
    }
  } catch (error) {
    post({ type: "failed", id: job.id, error: remoteError(error) });
  }
}

if (parentPort === null) throw new Error("kernel-lib/parallel/worker: this script runs as a worker thread of a TrainingPool, not on its own");
parentPort.on("message", (job: JobMessage) => void handle(job));
