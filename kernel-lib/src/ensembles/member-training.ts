/**
 * Training the k members of an ensemble: the engine behind `trainSeedEnsemble` and `trainBagging`.
 *
 * Each member m gets a seed s_m, the m-th draw of a stream started from the ensemble's seed, and from
 * `new Rng(s_m)`, in this order, its initialization seed, its shuffling seed and its bootstrap seed. A member is
 * made by the user's `createModel(initSeed)`, compiled from a plain-data `CompileSpec`, and trained with kernel-lib's
 * `fit` (seeded shuffling) on all rows or on the rows of its bootstrap sample.
 *
 * In this thread or on a `TrainingPool`: with `pool`, each member becomes a `TrainingTask` (its topology, the
 * initial weights `createModel(initSeed)` made, the compile spec, the shared data with the bootstrap rows as
 * `data.indices` instead of a copy, and the shuffling seed as `fit.seed`). A worker then runs the same steps as
 * this thread (build, set the initial weights, compile, gather the rows, `fit` with the same seed), so the
 * trained weights and histories are the same bit for bit on the same backend; only where it runs changes.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkOneOf, invalidArgument } from "../errors";
import { Rng, rng } from "../random";
import { disposeOptimizer } from "../optimizers/dispose-optimizer";
import { buildOptimizer, checkOptimizer } from "../parallel/optimizer-spec";
import { modelWeights, toPlainTensor } from "../parallel/plain-tensor";
import { TrainingPool } from "../parallel/pool";
import { modelTopology, restoreModel } from "../parallel/topology";
import type { CompileSpec, TrainingTask } from "../parallel/training-task";
import { type EpochLogs, type History, type TrainingCallbacks, fit } from "../training/fit";
import { type BootstrapSample, bootstrapSample } from "./bootstrap";

/** How each member is trained: kernel-lib `fit` options without the seed (each member has its own). */
export interface MemberFitOptions {
  epochs: number;
  /** Default 32. */
  batchSize?: number;
  /** Default true. */
  shuffle?: boolean;
  /** `[x, y]` evaluated after every epoch (`val_loss`, `val_acc`, ... in each member's history). */
  validationData?: [tf.Tensor, tf.Tensor];
  /**
   * More `fit` callbacks for member `member` (e.g. a live chart). Functions cannot cross to a worker, so not with
   * `pool`; use `onEpochEnd` there.
   */
  callbacks?: (member: number, model: tf.LayersModel) => TrainingCallbacks | TrainingCallbacks[];
}

/** What every way of training an ensemble takes. */
export interface EnsembleTrainingOptions {
  /**
   * Makes one fresh, uncompiled member whose initializers draw from `seed` (e.g. `kernelInitializer:
   * heNormal({ seed })`, or `glorotUniform({ seed: seed + 1 })` for the next layer). Called once per member.
   */
  createModel: (seed: number) => tf.LayersModel;
  /** How to compile each member, as plain data: `{ optimizer: "adam" | optimizerSpec(...), loss, metrics? }`. */
  compile: CompileSpec;
  /** Training inputs [N, ...]. */
  x: tf.Tensor;
  /** Training targets [N, ...]. */
  y: tf.Tensor;
  /** k, the number of members, an integer ≥ 1. */
  members: number;
  fit: MemberFitOptions;
  /** Seed of the whole ensemble; drawn from the global stream when left out. */
  seed?: number;
  /** Train the members on this pool's worker threads (same results as in this thread, for the same seeds). */
  pool?: TrainingPool;
  /** Called after every epoch of every member with the member's index (in this thread or from the pool). */
  onEpochEnd?: (member: number, logs: EpochLogs) => void;
}

/** The seeds of one member. */
export interface MemberSeeds {
  /** The member's own seed, from which the others are drawn. */
  seed: number;
  /** Passed to `createModel`: the initial weights. */
  initSeed: number;
  /** The `fit` shuffling seed. */
  shuffleSeed: number;
  /** The bootstrap sample's seed (bagging). */
  sampleSeed: number;
}

/** A trained ensemble. Its models and their optimizers are the caller's: call `dispose()` when done. */
export interface TrainedEnsemble {
  /** The trained members, compiled (members trained on a pool get a fresh optimizer: their optimizer state stays in the worker). */
  members: tf.LayersModel[];
  seeds: MemberSeeds[];
  histories: History[];
  /** Each member's bootstrap sample (bagging); null for a seed ensemble. */
  samples: BootstrapSample[] | null;
  /** Where the members trained: `"this thread"` or `"pool"`. */
  ranOn: "this thread" | "pool";
  /** Frees every member and the optimizers made for them. */
  dispose(): void;
}

/** What varies between members. */
export type MemberVariation = "init-and-shuffle" | "init" | "shuffle";

/** A member's plan: its seeds and, for bagging, its bootstrap sample. */
interface MemberPlan {
  seeds: MemberSeeds;
  sample: BootstrapSample | null;
}

interface CheckedOptions extends EnsembleTrainingOptions {
  members: number;
}

/** Checks the options shared by every ensemble trainer; returns them. */
function checkEnsembleOptions(fn: string, options: EnsembleTrainingOptions): CheckedOptions {
  if (options === null || typeof options !== "object") invalidArgument(fn, "options", options, "{ createModel, compile, x, y, members, fit, seed?, pool? }");
  checkInteger(fn, "options.members", options.members, 1);
  if (typeof options.createModel !== "function")
    invalidArgument(fn, "options.createModel", options.createModel, "a function (seed) => a fresh uncompiled tf.LayersModel");
  const compile = options.compile as Partial<CompileSpec> | null;
  if (compile === null || typeof compile !== "object") invalidArgument(fn, "options.compile", compile, "{ optimizer, loss, metrics? }");
  checkOptimizer(fn, "options.compile.optimizer", compile.optimizer);
  if (typeof compile.loss !== "string") invalidArgument(fn, "options.compile.loss", compile.loss, 'a tfjs loss name such as "categoricalCrossentropy"');
  if (compile.metrics !== undefined && (!Array.isArray(compile.metrics) || compile.metrics.some((m) => typeof m !== "string")))
    invalidArgument(fn, "options.compile.metrics", compile.metrics, "an array of tfjs metric names");
  if (!(options.x instanceof tf.Tensor) || options.x.rank < 1 || options.x.shape[0] === 0)
    invalidArgument(fn, "options.x", options.x, "a tensor with at least one example");
  if (!(options.y instanceof tf.Tensor) || options.y.shape[0] !== options.x.shape[0])
    invalidArgument(
      fn,
      "options.y.shape[0]",
      options.y instanceof tf.Tensor ? options.y.shape[0] : options.y,
      `${options.x.shape[0]} (as many targets as x has examples)`,
    );
  if (options.fit === null || typeof options.fit !== "object")
    invalidArgument(fn, "options.fit", options.fit, "{ epochs, batchSize?, shuffle?, validationData?, callbacks? }");
  checkInteger(fn, "options.fit.epochs", options.fit.epochs, 0);
  if (options.fit.batchSize !== undefined) checkInteger(fn, "options.fit.batchSize", options.fit.batchSize, 1);
  if (options.fit.callbacks !== undefined && typeof options.fit.callbacks !== "function")
    invalidArgument(fn, "options.fit.callbacks", options.fit.callbacks, "a function (member, model) => callbacks");
  if (options.seed !== undefined) checkInteger(fn, "options.seed", options.seed);
  if (options.pool !== undefined) {
    if (!(options.pool instanceof TrainingPool)) invalidArgument(fn, "options.pool", options.pool, "a TrainingPool");
    if (options.fit.callbacks !== undefined)
      invalidArgument(fn, "options.fit.callbacks", "a function", "no callbacks with a pool (functions cannot run in a worker; use options.onEpochEnd)");
  }
  return options as CheckedOptions;
}

/**
 * The members' seeds (module comment) and bootstrap samples. `variation` "init" gives every member member 0's
 * shuffling seed, "shuffle" member 0's initialization seed. `bootstrapSize` > 0: a bootstrap sample of that size each.
 */
function planMembers(options: CheckedOptions, variation: MemberVariation, bootstrapSize: number | null): MemberPlan[] {
  const stream = rng(options.seed);
  const seeds = Array.from({ length: options.members }, (): MemberSeeds => {
    const seed = stream.nextSeed();
    const own = new Rng(seed);
    return { seed, initSeed: own.nextSeed(), shuffleSeed: own.nextSeed(), sampleSeed: own.nextSeed() };
  });
  const first = seeds[0]!;
  const n = options.x.shape[0]!;
  return seeds.map((s) => {
    const memberSeeds = {
      ...s,
      initSeed: variation === "shuffle" ? first.initSeed : s.initSeed,
      shuffleSeed: variation === "init" ? first.shuffleSeed : s.shuffleSeed,
    };
    return { seeds: memberSeeds, sample: bootstrapSize === null ? null : bootstrapSample(n, { size: bootstrapSize, seed: s.sampleSeed }) };
  });
}

/** Calls `createModel` and checks that it made a fresh, uncompiled model (a compiled one is disposed, with an optimizer it owns). */
function makeModel(fn: string, options: CheckedOptions, seed: number, seen: Set<tf.LayersModel>): tf.LayersModel {
  const model = options.createModel(seed);
  if (!(model instanceof tf.LayersModel)) invalidArgument(fn, "options.createModel(seed)", model, "a tf.LayersModel");
  if (seen.has(model)) invalidArgument(fn, "options.createModel(seed)", "the same model as before", "a new model on every call");
  if ((model as unknown as { optimizer_?: unknown }).optimizer_ != null) {
    model.dispose();
    invalidArgument(fn, "options.createModel(seed)", "a compiled model", "an uncompiled model (each member is compiled from options.compile)");
  }
  seen.add(model);
  return model;
}

/** Compiles a member from the spec; returns the optimizer made for it (null when tfjs made one from a name: the model owns that one). */
function compileMember(model: tf.LayersModel, compile: CompileSpec): tf.Optimizer | null {
  const optimizer = typeof compile.optimizer === "string" ? null : buildOptimizer(compile.optimizer);
  try {
    model.compile({ optimizer: optimizer ?? (compile.optimizer as string), loss: compile.loss, metrics: compile.metrics ?? [] });
  } catch (error) {
    disposeOptimizer(optimizer);
    throw error;
  }
  return optimizer;
}

function ensemble(
  plans: MemberPlan[],
  members: tf.LayersModel[],
  optimizers: (tf.Optimizer | null)[],
  histories: History[],
  ranOn: TrainedEnsemble["ranOn"],
): TrainedEnsemble {
  let disposed = false;
  const result: TrainedEnsemble = {
    members,
    seeds: plans.map((p) => p.seeds),
    histories,
    samples: plans.every((p) => p.sample !== null) ? plans.map((p) => p.sample!) : null,
    ranOn,
    dispose() {
      if (disposed) return;
      disposed = true;
      disposeAll(members, optimizers);
    },
  };
  return result;
}

function disposeAll(models: tf.LayersModel[], optimizers: (tf.Optimizer | null)[]): void {
  for (const model of models) model.dispose();
  for (const optimizer of optimizers) disposeOptimizer(optimizer);
}

/** Trains the planned members one after the other in this thread with kernel-lib's `fit`. */
async function trainHere(fn: string, options: CheckedOptions, plans: MemberPlan[]): Promise<TrainedEnsemble> {
  const members: tf.LayersModel[] = [];
  const optimizers: (tf.Optimizer | null)[] = [];
  const histories: History[] = [];
  const seen = new Set<tf.LayersModel>();
  try {
    for (const [index, plan] of plans.entries()) {
      const model = makeModel(fn, options, plan.seeds.initSeed, seen);
      members.push(model);
      optimizers.push(compileMember(model, options.compile));
      const extra = options.fit.callbacks?.(index, model) ?? [];
      const callbacks = Array.isArray(extra) ? extra.slice() : [extra];
      if (options.onEpochEnd) callbacks.push({ onEpochEnd: (logs) => options.onEpochEnd!(index, { ...logs }) });
      const [x, y] = plan.sample === null ? [options.x, options.y] : gatherRows(options.x, options.y, plan.sample.indices);
      try {
        histories.push(
          await fit(model, x, y, {
            epochs: options.fit.epochs,
            batchSize: options.fit.batchSize ?? 32,
            shuffle: options.fit.shuffle ?? true,
            seed: plan.seeds.shuffleSeed,
            validationData: options.fit.validationData,
            callbacks,
          }),
        );
      } finally {
        if (plan.sample !== null) tf.dispose([x, y]);
      }
    }
  } catch (error) {
    disposeAll(members, optimizers);
    throw error;
  }
  return ensemble(plans, members, optimizers, histories, "this thread");
}

function gatherRows(x: tf.Tensor, y: tf.Tensor, indices: Int32Array): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const rows = tf.tensor1d(indices, "int32");
    return [tf.gather(x, rows), tf.gather(y, rows)];
  });
}

/** Trains the planned members as training tasks on the pool; rebuilds the trained members in this thread. */
async function trainOnPool(fn: string, options: CheckedOptions, plans: MemberPlan[], pool: TrainingPool): Promise<TrainedEnsemble> {
  const x = toPlainTensor(options.x);
  const y = toPlainTensor(options.y);
  const validation = options.fit.validationData
    ? { x: toPlainTensor(options.fit.validationData[0]), y: toPlainTensor(options.fit.validationData[1]) }
    : undefined;
  const seen = new Set<tf.LayersModel>();
  const tasks: TrainingTask[] = plans.map((plan) => {
    const model = makeModel(fn, options, plan.seeds.initSeed, seen);
    try {
      return {
        model: modelTopology(model),
        compile: options.compile,
        data: { x, y, ...(plan.sample ? { indices: plan.sample.indices } : {}), ...(validation ? { validation } : {}) },
        fit: { epochs: options.fit.epochs, batchSize: options.fit.batchSize ?? 32, shuffle: options.fit.shuffle ?? true, seed: plan.seeds.shuffleSeed },
        seed: plan.seeds.seed,
        initialWeights: modelWeights(model),
      };
    } finally {
      model.dispose();
    }
  });
  const onEpochEnd = options.onEpochEnd;
  const results = await pool.train(tasks, onEpochEnd ? { onEpochEnd: (index, logs) => onEpochEnd(index, logs) } : {});
  const members: tf.LayersModel[] = [];
  const optimizers: (tf.Optimizer | null)[] = [];
  try {
    for (const [index, result] of results.entries()) {
      const model = await restoreModel(tasks[index]!.model, result.weights);
      members.push(model);
      optimizers.push(compileMember(model, options.compile));
    }
  } catch (error) {
    disposeAll(members, optimizers);
    throw error;
  }
  return ensemble(
    plans,
    members,
    optimizers,
    results.map((r) => r.history),
    "pool",
  );
}

/** Plans and trains an ensemble's members, in this thread or on `options.pool`. */
export async function trainMembers(
  fn: string,
  options: EnsembleTrainingOptions,
  variation: MemberVariation,
  bootstrapSize: number | null,
): Promise<TrainedEnsemble> {
  const checked = checkEnsembleOptions(fn, options);
  checkOneOf(fn, "options.vary", variation, ["init-and-shuffle", "init", "shuffle"] as const);
  const plans = planMembers(checked, variation, bootstrapSize);
  return checked.pool ? trainOnPool(fn, checked, plans, checked.pool) : trainHere(fn, checked, plans);
}
