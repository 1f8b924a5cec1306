/**
 * A pool of worker threads for independent trainings: the members of an ensemble, bagging, snapshot comparisons,
 * the points of a hyperparameter search. tfjs's wasm backend uses one core per engine in Node, so k independent
 * trainings on one engine keep one core busy; each worker here has its own engine and backend, so w workers keep
 * w cores busy.
 *
 * Work and results cross threads as plain data (`TrainingTask`, `TrainingResult`); big inputs are put in shared
 * memory once. A worker runs the same task code as `trainSequential`, so results equal the sequential ones bit for
 * bit for the same seeds and backend. Workers start when there is work for them (never more than the tasks in
 * flight), run one task at a time, and do not keep the process alive while idle; `close()` ends them.
 */
import * as os from "os";
import { Worker } from "worker_threads";
import * as tf from "@tensorflow/tfjs";
import { type BackendChoice, BACKEND_CHOICES } from "../backend";
import { checkInteger, checkOneOf, invalidArgument } from "../errors";
import type { EpochLogs } from "../training/fit";
import type { ModuleCall } from "./module-call";
import { type JobMessage, type RemoteError, type WorkerMessage, type WorkerSetup, remoteError } from "./protocol";
import type { TrainOptions } from "./sequential";
import { prepareCalls, prepareTasks, shareTaskArrays } from "./submission";
import { TaskError } from "./task-error";
import type { TrainingResult, TrainingTask } from "./training-task";
import { workerScriptPath } from "./worker-script";

export interface TrainingPoolOptions {
  /** Most worker threads at once. Default: `os.availableParallelism()` (the cores this process may use). */
  workers?: number;
  /** The backend each worker starts. Default: the backend running in this thread (`initBackend`'s choice), else kernel-lib's default. */
  backend?: BackendChoice;
  /** Absolute paths of modules each worker loads first (e.g. ones that register custom layers for deserialization). */
  preload?: string[];
}

/** The kernel-lib name of the backend tfjs runs in this thread, if one was started. */
function runningBackend(): BackendChoice | undefined {
  const name = (tf.engine() as unknown as { backendName?: string }).backendName;
  const names: Record<string, BackendChoice> = { wasm: "wasm", cpu: "cpu", tensorflow: "node" };
  return name === undefined ? undefined : names[name];
}

/** A group of jobs submitted together (compared by identity): when one fails, the others that have not started are dropped. */
type Batch = Record<string, never>;

interface Job {
  message: JobMessage;
  batch: Batch;
  resolve(value: unknown): void;
  reject(error: Error): void;
  onEpoch?: (logs: EpochLogs) => void;
  /** What `onEpoch` threw, if it did: the job then fails when its worker is done with it. */
  callbackError?: unknown;
}

interface Slot {
  worker: Worker;
  /** The worker's thread id (kept: it reads -1 once the worker has exited). */
  threadId: number;
  job: Job | null;
  /** The uncaught error that stopped the worker, if any (reported when it exits). */
  crash: Error | null;
}

export class TrainingPool {
  /** Most workers at once. */
  readonly size: number;
  private readonly backend: BackendChoice | undefined;
  private readonly preload: string[];
  private readonly slots: Slot[] = [];
  private queue: Job[] = [];
  private nextId = 1;
  private closing: Promise<void> | null = null;
  private started = 0;

  constructor(options: TrainingPoolOptions = {}) {
    this.size = checkInteger("TrainingPool", "options.workers", options.workers ?? os.availableParallelism(), 1);
    this.backend = options.backend === undefined ? undefined : checkOneOf("TrainingPool", "options.backend", options.backend, BACKEND_CHOICES);
    const preload = options.preload ?? [];
    if (!Array.isArray(preload) || preload.some((p) => typeof p !== "string"))
      invalidArgument("TrainingPool", "options.preload", preload, "an array of module paths");
    this.preload = preload.slice();
    workerScriptPath(); // fail now, not at the first task, when kernel-lib is not built
  }

  /** How many worker threads this pool has started so far (crashed ones are replaced and counted again). */
  get workersStarted(): number {
    return this.started;
  }

  /**
   * Trains every task in a worker; resolves to the results in task order, whatever finishes first. If a task fails,
   * rejects with a `TaskError` naming it (the tasks of this call not yet started are dropped).
   */
  async train(tasks: readonly TrainingTask[], options: TrainOptions = {}): Promise<TrainingResult[]> {
    this.checkOpen("train");
    const prepared = prepareTasks("TrainingPool.train", tasks);
    const shared = shareTaskArrays(prepared.map((p) => p.task));
    const batch: Batch = {};
    const results = prepared.map(({ seed }, index) =>
      this.submit<TrainingResult>(
        { type: "train", id: this.nextId++, index, seed, task: shared[index]!, reportEpochs: options.onEpochEnd !== undefined },
        batch,
        options.onEpochEnd ? (logs) => options.onEpochEnd!(index, logs) : undefined,
      ),
    );
    this.dispatch();
    return Promise.all(results);
  }

  /** Runs each module call in a worker; resolves to their values in call order (see `ModuleCall`). */
  async run(calls: readonly ModuleCall[]): Promise<unknown[]> {
    this.checkOpen("run");
    const prepared = prepareCalls("TrainingPool.run", calls);
    const batch: Batch = {};
    const values = prepared.map((call, index) => this.submit<unknown>({ type: "call", id: this.nextId++, index, call }, batch));
    this.dispatch();
    return Promise.all(values);
  }

  /**
   * Starts every worker now and waits until each has its backend running (loading kernel-lib and the backend takes
   * a worker about half a second). Optional: `train` and `run` start workers as needed; this moves that cost out of
   * the first call, e.g. while a notebook prepares its data, or before timing a run.
   */
  async start(): Promise<void> {
    this.checkOpen("start");
    const busy = this.slots.filter((slot) => slot.job !== null).length;
    const batch: Batch = {};
    const started = Array.from({ length: this.size - busy }, (_, index) => this.submit<unknown>({ type: "start", id: this.nextId++, index }, batch));
    this.dispatch();
    await Promise.all(started);
  }

  /** Ends every worker (a running task is abandoned and its promise rejected). Calling it again is harmless. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const dropped = this.queue;
    this.queue = [];
    for (const job of dropped)
      job.reject(new TaskError(job.message.index, { name: "Error", message: "the pool was closed before the task started" }, "no thread"));
    this.closing = Promise.all(this.slots.map((slot) => slot.worker.terminate())).then(() => undefined);
    return this.closing;
  }

  private checkOpen(fn: string): void {
    if (this.closing) throw new Error(`TrainingPool.${fn}: the pool is closed; make a new TrainingPool`);
  }

  private submit<T>(message: JobMessage, batch: Batch, onEpoch?: (logs: EpochLogs) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ message, batch, resolve: resolve as (value: unknown) => void, reject, onEpoch });
    });
  }

  /** Hands queued jobs to idle workers, starting workers up to `size`. */
  private dispatch(): void {
    while (this.queue.length > 0 && !this.closing) {
      let slot = this.slots.find((s) => s.job === null);
      if (slot === undefined) {
        if (this.slots.length >= this.size) return;
        slot = this.spawn();
      }
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage(job.message);
    }
  }

  private spawn(): Slot {
    const setup: WorkerSetup = { backend: this.backend ?? runningBackend(), preload: this.preload };
    const worker = new Worker(workerScriptPath(), { workerData: setup });
    const slot: Slot = { worker, threadId: worker.threadId, job: null, crash: null };
    this.slots.push(slot);
    this.started += 1;
    worker.on("message", (message: WorkerMessage) => this.receive(slot, message));
    worker.on("error", (error) => (slot.crash = error));
    worker.on("exit", (code) => this.exited(slot, code));
    return slot;
  }

  private receive(slot: Slot, message: WorkerMessage): void {
    const job = slot.job;
    if (job === null || job.message.id !== message.id) return;
    if (message.type === "epoch") {
      try {
        job.onEpoch?.(message.logs);
      } catch (error) {
        job.callbackError ??= error;
      }
      return;
    }
    slot.job = null;
    slot.worker.unref();
    if (job.callbackError !== undefined) this.fail(job, remoteError(job.callbackError), "the main thread (onEpochEnd)");
    else if (message.type === "failed") this.fail(job, message.error, `worker thread ${slot.threadId}`);
    else job.resolve(message.type === "trained" ? message.result : message.value);
    this.dispatch();
  }

  /** Rejects a job and drops the jobs of its batch that have not started. */
  private fail(job: Job, error: RemoteError, where: string): void {
    job.reject(new TaskError(job.message.index, error, where));
    const dropped = this.queue.filter((queued) => queued.batch === job.batch);
    this.queue = this.queue.filter((queued) => queued.batch !== job.batch);
    for (const other of dropped)
      other.reject(new TaskError(other.message.index, { name: "Error", message: `dropped: task ${job.message.index} failed` }, "no thread"));
  }

  /** A worker ended: by `close()`, or by a crash, whose task fails; the next job gets a new worker. */
  private exited(slot: Slot, code: number): void {
    this.slots.splice(this.slots.indexOf(slot), 1);
    const job = slot.job;
    slot.job = null;
    if (job !== null) {
      const reason = this.closing
        ? { name: "Error", message: "the pool was closed while the task was running" }
        : slot.crash
          ? { name: slot.crash.name, message: `the worker crashed: ${slot.crash.message}`, stack: slot.crash.stack }
          : { name: "Error", message: `the worker exited with code ${code} while running the task` };
      this.fail(job, reason, `worker thread ${slot.threadId}`);
    }
    this.dispatch();
  }
}
