/**
 * An objective that trains on worker threads. A `TrainingPool` runs plain-data `TrainingTask`s, not closures, so
 * instead of a function that trains, the search is given two functions that run in this thread:
 *
 *   task(params, trial)            the TrainingTask for a point (model topology, optimizer spec, data, epochs, ...)
 *   score(result, params, trial)   the trial's score (and metrics) from the TrainingResult (history, predictions)
 *
 * Each stage's tasks go to the pool together, so every worker is busy; without a pool they run one after the
 * other through `trainSequential`. A task without a seed gets the trial's seed, and the pool computes what
 * `trainSequential` computes bit for bit, so a search gives the same trials with or without the pool.
 */
import { TrainingPool } from "../parallel/pool";
import { type TrainOptions, trainSequential } from "../parallel/sequential";
import { TaskError } from "../parallel/task-error";
import { type TrainingResult, type TrainingTask, checkTrainingTask } from "../parallel/training-task";
import { invalidArgument } from "../errors";
import type { EpochLogs } from "../training/fit";
import type { ObjectiveValue, TrialInfo } from "./trial";
import { TrialError } from "./trial-error";

export interface TrainingObjectiveOptions<P> {
  /** The training for a point of the space. Leave `seed` out to train with the trial's seed (reproducible). */
  task: (params: P, trial: TrialInfo) => TrainingTask;
  /** The score of a finished training, e.g. `(r) => r.history.val_acc.at(-1)` or `{ score, trainLoss }`. */
  score: (result: TrainingResult, params: P, trial: TrialInfo) => ObjectiveValue | Promise<ObjectiveValue>;
  /** Runs the trainings on its worker threads; left out, they run in this thread one after the other. */
  pool?: TrainingPool;
  /** Sees each epoch's logs of each trial as it trains (e.g. for a progress display). */
  onEpochEnd?: (trial: TrialInfo, logs: EpochLogs) => void;
}

/** A point of the space with its trial. */
export interface PlannedTrial<P> {
  params: P;
  info: TrialInfo;
}

export class TrainingObjective<P> {
  readonly task: TrainingObjectiveOptions<P>["task"];
  readonly score: TrainingObjectiveOptions<P>["score"];
  readonly pool: TrainingPool | undefined;
  readonly onEpochEnd: TrainingObjectiveOptions<P>["onEpochEnd"];

  constructor(options: TrainingObjectiveOptions<P>) {
    const fn = "trainingObjective";
    if (options === null || typeof options !== "object") invalidArgument(fn, "options", options, "{ task, score, pool?, onEpochEnd? }");
    if (typeof options.task !== "function") invalidArgument(fn, "options.task", options.task, "a function (params, trial) => TrainingTask");
    if (typeof options.score !== "function") invalidArgument(fn, "options.score", options.score, "a function (result, params, trial) => score");
    if (options.pool !== undefined && !(options.pool instanceof TrainingPool)) invalidArgument(fn, "options.pool", options.pool, "a TrainingPool");
    if (options.onEpochEnd !== undefined && typeof options.onEpochEnd !== "function")
      invalidArgument(fn, "options.onEpochEnd", options.onEpochEnd, "a function (trial, logs) => void");
    this.task = options.task;
    this.score = options.score;
    this.pool = options.pool;
    this.onEpochEnd = options.onEpochEnd;
  }

  /**
   * Trains the planned trials (on the pool if there is one) and returns each one's score value, in plan order.
   * A task that cannot be built, a training that fails and a score that throws each become a `TrialError` naming the
   * trial and its parameters; `fn` is the search that asked.
   */
  async evaluate(fn: string, planned: readonly PlannedTrial<P>[]): Promise<unknown[]> {
    const tasks = planned.map(({ params, info }) => {
      try {
        const task = checkTrainingTask(fn, "task(params, trial)", this.task(params, { ...info }));
        return task.seed === undefined ? { ...task, seed: info.seed } : task;
      } catch (error) {
        throw new TrialError(fn, info, params, error);
      }
    });
    const onEpochEnd = this.onEpochEnd;
    const options: TrainOptions = onEpochEnd ? { onEpochEnd: (index, logs) => onEpochEnd({ ...planned[index]!.info }, logs) } : {};
    let results: TrainingResult[];
    try {
      results = this.pool ? await this.pool.train(tasks, options) : await trainSequential(tasks, options);
    } catch (error) {
      const failed = error instanceof TaskError ? planned[error.taskIndex] : undefined;
      if (failed) throw new TrialError(fn, failed.info, failed.params, error);
      throw error;
    }
    const values: unknown[] = [];
    for (const [i, { params, info }] of planned.entries()) {
      try {
        values.push(await this.score(results[i]!, params, { ...info }));
      } catch (error) {
        throw new TrialError(fn, info, params, error);
      }
    }
    return values;
  }
}

/** An objective that runs each trial as a `TrainingTask`, on a `TrainingPool`'s worker threads when one is given. */
export function trainingObjective<P>(options: TrainingObjectiveOptions<P>): TrainingObjective<P> {
  return new TrainingObjective(options);
}
