/**
 * The pool's twin in the main thread: the same checks, the same seeds and the same task code, one task after the
 * other. It is the reference a parallel run is compared with (same seeds, same backend: the same weights bit for
 * bit), and the fallback where worker threads are not wanted.
 */
import type { EpochLogs } from "../training/fit";
import { type ModuleCall, runModuleCall } from "./module-call";
import { remoteError } from "./protocol";
import { prepareCalls, prepareTasks } from "./submission";
import { TaskError } from "./task-error";
import { type TrainingResult, type TrainingTask, runTrainingTask } from "./training-task";

/** Options of a run of training tasks (pool or sequential). */
export interface TrainOptions {
  /** Called after every epoch of every task with the task's index and the epoch's logs (e.g. to draw progress). */
  onEpochEnd?: (taskIndex: number, logs: EpochLogs) => void;
}

/** Runs the training tasks one after the other in this thread; results in task order. A failure throws a `TaskError`. */
export async function trainSequential(tasks: readonly TrainingTask[], options: TrainOptions = {}): Promise<TrainingResult[]> {
  const prepared = prepareTasks("trainSequential", tasks);
  const results: TrainingResult[] = [];
  for (const [index, { task, seed }] of prepared.entries()) {
    const onEpochEnd = options.onEpochEnd ? (logs: EpochLogs) => options.onEpochEnd!(index, logs) : undefined;
    try {
      results.push(await runTrainingTask(task, index, seed, onEpochEnd));
    } catch (error) {
      throw new TaskError(index, remoteError(error), "the main thread");
    }
  }
  return results;
}

/** Runs the module calls one after the other in this thread; their values in call order. */
export async function runSequential(calls: readonly ModuleCall[]): Promise<unknown[]> {
  const prepared = prepareCalls("runSequential", calls);
  const values: unknown[] = [];
  for (const [index, call] of prepared.entries()) {
    try {
      values.push(await runModuleCall(call));
    } catch (error) {
      throw new TaskError(index, remoteError(error), "the main thread");
    }
  }
  return values;
}
