/**
 * What the pool and its sequential twin do to a list of tasks before running them, so that both run exactly the
 * same thing: check every task (a bad one fails before any training starts), and give each task its seed, drawn
 * in task order from the global stream when the task has none.
 */
import { invalidArgument } from "../errors";
import { nextSeed } from "../random";
import { type ModuleCall, checkModuleCall } from "./module-call";
import { type PlainTensor, shareValues } from "./plain-tensor";
import { type TrainingTask, checkTrainingTask } from "./training-task";

/** A checked task with its seed. */
export interface SeededTask {
  task: TrainingTask;
  seed: number;
}

/** Checks `tasks` (a non-empty array of training tasks) and gives each its seed. */
export function prepareTasks(fn: string, tasks: unknown): SeededTask[] {
  if (!Array.isArray(tasks)) invalidArgument(fn, "tasks", tasks, "an array of training tasks");
  const checked = tasks.map((task, i) => checkTrainingTask(fn, `tasks[${i}]`, task));
  return checked.map((task) => ({ task, seed: task.seed ?? nextSeed() }));
}

/** Checks `calls` (an array of module calls). */
export function prepareCalls(fn: string, calls: unknown): ModuleCall[] {
  if (!Array.isArray(calls)) invalidArgument(fn, "calls", calls, "an array of module calls");
  return calls.map((call, i) => checkModuleCall(fn, `calls[${i}]`, call));
}

/**
 * The tasks with their big arrays (data, validation, predict inputs, indices) moved to shared memory, each distinct
 * array once: tasks that share one `x` array object share one SharedArrayBuffer, which every worker reads without a
 * copy. The caller's tasks are not modified.
 */
export function shareTaskArrays(tasks: readonly TrainingTask[]): TrainingTask[] {
  const copies = new Map<ArrayBufferView, ArrayBufferView>();
  const share = <T extends Float32Array | Int32Array>(values: T): T => {
    let copy = copies.get(values) as T | undefined;
    if (copy === undefined) {
      copy = shareValues(values);
      copies.set(values, copy);
    }
    return copy;
  };
  const plain = (tensor: PlainTensor): PlainTensor => ({ shape: tensor.shape, values: share(tensor.values) });
  return tasks.map((task) => ({
    ...task,
    data: {
      ...task.data,
      x: plain(task.data.x),
      y: plain(task.data.y),
      ...(task.data.indices ? { indices: share(task.data.indices) } : {}),
      ...(task.data.validation ? { validation: { x: plain(task.data.validation.x), y: plain(task.data.validation.y) } } : {}),
    },
    ...(task.predict ? { predict: plain(task.predict) } : {}),
  }));
}
