/**
 * Coarse-to-fine search (lecture 003: "start with broad sweep, then zero in"): run a stage of trials over the space,
 * narrow the space around the stage's best trials (`refineSpace`: in log space for logUniform dimensions), run the
 * next stage in the narrowed space, and so on. Each stage is a random search with its own budget or a grid with a
 * number of points per numeric axis.
 *
 * Trials are numbered across stages and draw their seeds and points from the search's two streams in order, so the
 * whole search is repeated exactly by its seed.
 */
import { checkInteger, invalidArgument } from "../errors";
import { type GridSpec, gridPoints, gridSize } from "./grid";
import { bestTrial } from "./ranking";
import { defaultTopK, refineSpace } from "./refine";
import { type SearchObjective, checkObjective, planTrials, runTrials, searchStreams } from "./run-trials";
import { samplePoint } from "./sampling";
import { type SearchOptions, type SearchResult, checkSearchOptions } from "./search-result";
import { type ParamsOf, type SearchSpace, checkSpace } from "./space";
import type { Trial } from "./trial";

/**
 * One stage: `{ trials: n }` draws n random points; `{ grid: { lr: 5, wd: 5 } }` lays a grid with that many points
 * per numeric axis (choice dimensions: every value still in the space; an intUniform axis takes at most one point
 * per integer of its narrowed range).
 */
export type StagePlan<S extends SearchSpace> = { trials: number } | { grid: { readonly [K in keyof S]?: number } };

export interface CoarseToFineOptions<S extends SearchSpace> extends SearchOptions<ParamsOf<S>> {
  /** The stages, coarse first (at least one). */
  stages: readonly StagePlan<S>[];
  /** How many of a stage's best trials the next stage's space must contain. Default ⌈trials of the stage / 4⌉. */
  topK?: number;
  /** Old width added on each side of the best trials' span when narrowing, > 0 (see `refineSpace`). Default 0.1. */
  padding?: number;
}

/** One stage of a coarse-to-fine search. */
export interface StageSummary<P> {
  stage: number;
  /** The space this stage searched (the declared one for stage 0). */
  space: SearchSpace;
  /** How many trials it ran. */
  trials: number;
  /** Its best trial. */
  best: Trial<P>;
}

export interface CoarseToFineResult<P> extends SearchResult<P> {
  stages: StageSummary<P>[];
}

/** Checks the stage plans against the declared space before anything runs. */
function checkStages<S extends SearchSpace>(fn: string, space: S, stages: unknown): readonly StagePlan<S>[] {
  if (!Array.isArray(stages) || stages.length === 0) invalidArgument(fn, "options.stages", stages, "a non-empty array of stages ({ trials } or { grid })");
  stages.forEach((stage: unknown, s) => {
    const name = `options.stages[${s}]`;
    const plan = stage as { trials?: unknown; grid?: unknown } | null;
    const isPlan = plan !== null && typeof plan === "object";
    if (!isPlan || Object.hasOwn(plan, "trials") === Object.hasOwn(plan, "grid")) {
      invalidArgument(fn, name, stage, "{ trials: n } (random points) or { grid: { dimension: points } }, one of the two");
    }
    if ("trials" in plan) checkInteger(fn, `${name}.trials`, plan.trials, 1);
    else {
      const grid = plan.grid as Record<string, unknown> | null;
      if (grid !== null && typeof grid === "object") {
        for (const [axis, points] of Object.entries(grid)) {
          if (typeof points !== "number")
            invalidArgument(fn, `${name}.grid.${axis}`, points, "a number of points (ranges change between stages, so values cannot be listed)");
        }
      }
      gridSize(space, plan.grid as GridSpec<S>, fn, `${name}.grid`);
    }
  });
  return stages;
}

/** The points of one stage in the (narrowed) space. */
function stagePoints<S extends SearchSpace>(fn: string, space: S, plan: StagePlan<S>, s: number, streams: ReturnType<typeof searchStreams>): ParamsOf<S>[] {
  if ("trials" in plan) return Array.from({ length: plan.trials }, () => samplePoint(space, streams.sampling));
  const grid: Record<string, number> = {};
  for (const [name, points] of Object.entries(plan.grid as Record<string, number>)) {
    const dimension = space[name]!;
    grid[name] = dimension.type === "intUniform" ? Math.min(points, dimension.high - dimension.low + 1) : points;
  }
  return gridPoints(space, grid as GridSpec<S>, fn, `options.stages[${s}].grid`);
}

/**
 * Runs the stages, narrowing the space around each stage's `topK` best trials before the next; returns every trial
 * (with its `stage`), the best overall, and per stage the space it searched and its best trial.
 */
export async function coarseToFine<S extends SearchSpace>(
  space: S,
  objective: SearchObjective<ParamsOf<S>>,
  options: CoarseToFineOptions<S>,
): Promise<CoarseToFineResult<ParamsOf<S>>> {
  const fn = "coarseToFine";
  checkSpace(fn, space);
  checkObjective(fn, objective);
  const { direction, seed } = checkSearchOptions(fn, options);
  const stages = checkStages(fn, space, options.stages);
  if (options.topK !== undefined) checkInteger(fn, "options.topK", options.topK, 1);
  if (options.padding !== undefined && !(typeof options.padding === "number" && options.padding > 0 && Number.isFinite(options.padding)))
    invalidArgument(fn, "options.padding", options.padding, "a finite number > 0");
  const streams = searchStreams(seed);
  const trials: Trial<ParamsOf<S>>[] = [];
  const summaries: StageSummary<ParamsOf<S>>[] = [];
  let current: S = space;
  for (const [s, plan] of stages.entries()) {
    if (s > 0) {
      const previous = trials.filter((trial) => trial.stage === s - 1);
      current = refineSpace(current, previous, { direction, topK: options.topK ?? defaultTopK(previous.length), padding: options.padding }, fn);
    }
    const points = stagePoints(fn, current, plan, s, streams);
    const stageTrials = await runTrials(fn, objective, planTrials(points, s, trials.length, streams.trialSeeds), options.onTrialEnd);
    trials.push(...stageTrials);
    summaries.push({ stage: s, space: current, trials: stageTrials.length, best: bestTrial(stageTrials, direction) });
  }
  return { trials, best: bestTrial(trials, direction), direction, seed, stages: summaries };
}
