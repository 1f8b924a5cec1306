import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend, loadMnist, renderSvg, seed, tf } from "kernel-lib";
import {
  TaskError,
  TrainingPool,
  modelTopology,
  optimizerSpec,
  toPlainTensor,
  trainSequential,
  type PlainTensor,
  type TrainingTask,
} from "../../kernel-lib/src/parallel";
import {
  TrialError,
  bestSoFarRows,
  bestTrial,
  checkSpace,
  choice,
  coarseToFine,
  describeSpace,
  gridPoints,
  gridSearch,
  gridSize,
  intUniform,
  linearUniform,
  logUniform,
  randomPoints,
  randomSearch,
  rankTrials,
  refineSpace,
  searchHeatmap,
  trainingObjective,
  trialRows,
  trialScatter,
  type LogUniformDimension,
  type ParamsOf,
  type SearchSpace,
  type Trial,
  type TrialInfo,
} from "../../kernel-lib/src/search";

// ---------------------------------------------------------------------------------------------------------------
// Statistics helpers. Every distribution test uses a fixed seed and a tolerance from the sample size: the
// Kolmogorov–Smirnov critical value c(α)/√n with c(α) = √(−ln(α/2)/2), or a chi-square critical value, both at
// α = 0.001 (a correct sampler fails one seed in a thousand; the fixed seed makes the outcome deterministic).
// ---------------------------------------------------------------------------------------------------------------
const ALPHA = 0.001;

/** KS statistic sup |F_n(x) − x| of samples that should be U(0, 1). */
function ksUniform(samples: readonly number[]): number {
  const sorted = samples.slice().sort((a, b) => a - b);
  const n = sorted.length;
  return sorted.reduce((d, x, i) => Math.max(d, (i + 1) / n - x, x - i / n), 0);
}

function ksCritical(n: number): number {
  return Math.sqrt(-Math.log(ALPHA / 2) / 2) / Math.sqrt(n);
}

function chiSquare(counts: readonly number[], expected: number): number {
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

/** Chi-square critical values at α = 0.001 by degrees of freedom (tables; 2 dof is exactly −2 ln α). */
const CHI2_CRITICAL: Record<number, number> = { 2: 13.816, 5: 20.515 };

const quadratic = (p: { x: number }) => -((p.x - 0.3) ** 2);

describe("search space", () => {
  it("builds frozen plain-data dimensions and describes them", () => {
    const space = { lr: logUniform(1e-4, 0.1), momentum: linearUniform(0.5, 0.99), units: intUniform(16, 256), act: choice(["relu", "tanh"]) };
    expect(space.lr).toEqual({ type: "logUniform", low: 1e-4, high: 0.1 });
    expect(Object.isFrozen(space.act)).toBe(true);
    expect(checkSpace("test", JSON.parse(JSON.stringify(space)))).toEqual(space);
    expect(describeSpace(space)).toBe(
      ["lr: logUniform(0.0001, 0.1)", "momentum: linearUniform(0.5, 0.99)", "units: intUniform(16, 256)", 'act: choice(["relu", "tanh"])'].join("\n"),
    );
  });

  it("rejects bad bounds, naming the argument", () => {
    expect(() => logUniform(0, 1)).toThrow("logUniform: low = 0, expected a finite number > 0 (a log-uniform range needs positive bounds)");
    expect(() => logUniform(-1e-3, 1)).toThrow("logUniform: low = -0.001");
    expect(() => logUniform(1, 1)).toThrow("logUniform: high = 1, expected a finite number > low = 1");
    expect(() => linearUniform(2, 1)).toThrow("linearUniform: high = 1, expected a finite number > low = 2");
    expect(() => linearUniform(NaN, 1)).toThrow("linearUniform: low = NaN, expected a finite number");
    expect(() => intUniform(1.5, 4)).toThrow("intUniform: low = 1.5, expected an integer");
    expect(() => intUniform(3, 3)).toThrow("intUniform: high = 3, expected an integer > low = 3");
    expect(() => choice([])).toThrow("choice: values = [], expected a non-empty array of values");
    expect(() => choice(["a", "b", "a"])).toThrow('choice: values[2] = "a", expected a value not already listed (it repeats values[0])');
    expect(() => choice([{}] as never)).toThrow("choice: values[0] = {}, expected a string, a finite number, a boolean or null");
  });

  it("rejects an unknown dimension type, an empty space and reserved names before running any trial", async () => {
    let calls = 0;
    const objective = () => ++calls;
    const gaussian = { lr: { type: "gaussian", mean: 0, std: 1 } } as unknown as SearchSpace;
    await expect(randomSearch(gaussian, objective, { direction: "maximize", trials: 3 })).rejects.toThrow(
      /^randomSearch: space\.lr = \{"type":"gaussian","mean":0,"std":1\}, expected a dimension: logUniform\(low, high\), linearUniform\(low, high\), intUniform\(low, high\) or choice\(\[\.\.\.\]\) \(unknown type "gaussian"\)$/,
    );
    await expect(gridSearch({ lr: 0.1 } as unknown as SearchSpace, objective, { direction: "maximize" })).rejects.toThrow(
      "gridSearch: space.lr = 0.1, expected a dimension",
    );
    await expect(randomSearch({ lr: { type: "logUniform", low: 0, high: 1 } } as SearchSpace, objective, { direction: "maximize", trials: 1 })).rejects.toThrow(
      "randomSearch: space.lr.low = 0, expected a finite number > 0",
    );
    await expect(randomSearch({}, objective, { direction: "maximize", trials: 1 })).rejects.toThrow(
      "randomSearch: space = {}, expected at least one dimension",
    );
    await expect(randomSearch({ score: linearUniform(0, 1) }, objective, { direction: "maximize", trials: 1 })).rejects.toThrow(
      'randomSearch: space key = "score", expected a name other than trial, stage, seed, score',
    );
    expect(calls).toBe(0);
  });
});

describe("random search", () => {
  it("samples log-uniform dimensions with uniform log-values inside [low, high] (KS test)", () => {
    const n = 4000;
    const space = { lr: logUniform(1e-4, 1) };
    const values = randomPoints(space, { trials: n, seed: 11 }).map((p) => p.lr);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    const logPositions = values.map((v) => (Math.log10(v) + 4) / 4); // U(0, 1) if log10 v ~ U(−4, 0)
    expect(ksUniform(logPositions)).toBeLessThan(ksCritical(n));
    // The test has power: linear-uniform draws on the same range fail it by far (most of them sit in the top decade).
    const linear = randomPoints({ lr: linearUniform(1e-4, 1) }, { trials: n, seed: 11 }).map((p) => (Math.log10(p.lr) + 4) / 4);
    expect(ksUniform(linear)).toBeGreaterThan(10 * ksCritical(n));
  });

  it("samples linear-uniform, integer and choice dimensions with the right distribution (KS, chi-square)", () => {
    const n = 6000;
    const space = { rate: linearUniform(-2, 3), layers: intUniform(1, 6), act: choice(["relu", "tanh", "elu"]) };
    const points = randomPoints(space, { trials: n, seed: 12 });
    const rates = points.map((p) => p.rate);
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...rates)).toBeLessThanOrEqual(3);
    expect(ksUniform(rates.map((r) => (r + 2) / 5))).toBeLessThan(ksCritical(n));
    const layerCounts = [1, 2, 3, 4, 5, 6].map((k) => points.filter((p) => p.layers === k).length);
    expect(layerCounts.reduce((a, b) => a + b)).toBe(n); // only integers 1..6, both ends included
    expect(chiSquare(layerCounts, n / 6)).toBeLessThan(CHI2_CRITICAL[5]!);
    const actCounts = ["relu", "tanh", "elu"].map((a) => points.filter((p) => p.act === a).length);
    expect(actCounts.reduce((a, b) => a + b)).toBe(n);
    expect(chiSquare(actCounts, n / 3)).toBeLessThan(CHI2_CRITICAL[2]!);
    // Dimensions are drawn independently: the correlation of rate and layers is within 4 standard errors (1/√n) of 0.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const layers = points.map((p) => p.layers);
    const [mr, ml] = [mean(rates), mean(layers)];
    const cov = mean(rates.map((r, i) => (r - mr) * (layers[i]! - ml)));
    const corr = cov / Math.sqrt(mean(rates.map((r) => (r - mr) ** 2)) * mean(layers.map((l) => (l - ml) ** 2)));
    expect(Math.abs(corr)).toBeLessThan(4 / Math.sqrt(n));
  });

  it("runs exactly the budget, numbers the trials, and repeats for the same seed", async () => {
    const space = { x: linearUniform(0, 1), act: choice(["a", "b"]) };
    const seen: TrialInfo[] = [];
    const objective = (p: ParamsOf<typeof space>, info: TrialInfo) => {
      seen.push(info);
      return quadratic(p);
    };
    const first = await randomSearch(space, objective, { direction: "maximize", trials: 7, seed: 5 });
    expect(seen).toHaveLength(7);
    expect(first.trials.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(first.trials.every((t) => t.stage === 0)).toBe(true);
    expect(first.seed).toBe(5);
    expect(first.trials.map((t) => t.params)).toEqual(randomPoints(space, { trials: 7, seed: 5 }));
    expect(new Set(first.trials.map((t) => t.seed)).size).toBe(7);
    const again = await randomSearch(space, objective, { direction: "maximize", trials: 7, seed: 5 });
    expect(again.trials).toEqual(first.trials);
    const other = await randomSearch(space, objective, { direction: "maximize", trials: 7, seed: 6 });
    expect(other.trials.map((t) => t.params)).not.toEqual(first.trials.map((t) => t.params));
    // Without a seed, one is drawn from the global stream: seed(n) repeats the search.
    seed(99);
    const drawn = await randomSearch(space, objective, { direction: "maximize", trials: 3 });
    seed(99);
    expect((await randomSearch(space, objective, { direction: "maximize", trials: 3 })).trials).toEqual(drawn.trials);
  });

  it("picks the best trial for the direction, NaN scores last", async () => {
    const scores = [0.5, NaN, 0.9, 0.1, 0.9];
    const space = { i: intUniform(0, 100) };
    const objective = (_: unknown, info: TrialInfo) => scores[info.index]!;
    const max = await randomSearch(space, objective, { direction: "maximize", trials: 5, seed: 1 });
    expect(max.best.index).toBe(2); // the first of the two 0.9s
    expect(rankTrials(max.trials, "maximize").map((t) => t.index)).toEqual([2, 4, 0, 3, 1]);
    const min = await randomSearch(space, objective, { direction: "minimize", trials: 5, seed: 1 });
    expect(min.best.index).toBe(3);
    expect(rankTrials(min.trials, "minimize").map((t) => t.index)).toEqual([3, 0, 2, 4, 1]);
  });

  it("rejects a budget below 1 and other bad options, naming them, before any trial", async () => {
    let calls = 0;
    const objective = () => ++calls;
    const space = { x: linearUniform(0, 1) };
    await expect(randomSearch(space, objective, { direction: "maximize", trials: 0 })).rejects.toThrow(
      "randomSearch: options.trials = 0, expected an integer >= 1",
    );
    await expect(randomSearch(space, objective, { direction: "maximize", trials: 2.5 })).rejects.toThrow("options.trials = 2.5");
    await expect(randomSearch(space, objective, { trials: 2 } as never)).rejects.toThrow(
      'randomSearch: options.direction = undefined, expected one of "maximize", "minimize"',
    );
    await expect(randomSearch(space, "f" as never, { direction: "maximize", trials: 2 })).rejects.toThrow('randomSearch: objective = "f", expected a function');
    await expect(randomSearch(space, objective, { direction: "maximize", trials: 2, seed: 0.5 })).rejects.toThrow("options.seed = 0.5");
    expect(() => randomPoints(space, { trials: 0 })).toThrow("randomPoints: options.trials = 0, expected an integer >= 1");
    expect(calls).toBe(0);
  });
});

describe("grid search", () => {
  const space = { act: choice(["relu", "tanh"]), momentum: linearUniform(0, 1), lr: logUniform(1e-3, 1e-1) };

  it("enumerates the full product, last dimension fastest, log-spaced for log dimensions", () => {
    const points = gridPoints(space, { momentum: 3, lr: 3 });
    expect(points).toHaveLength(2 * 3 * 3);
    expect(gridSize(space, { momentum: 3, lr: 3 })).toBe(18);
    expect(new Set(points.map((p) => JSON.stringify(p))).size).toBe(18);
    // Nested loops in declaration order: act, then momentum, then lr fastest.
    const index = (a: number, m: number, l: number) => (a * 3 + m) * 3 + l;
    const lrs = [1e-3, 1e-2, 1e-1];
    ["relu", "tanh"].forEach((act, a) =>
      [0, 0.5, 1].forEach((momentum, m) =>
        lrs.forEach((lr, l) => {
          const point = points[index(a, m, l)]!;
          expect(point.act).toBe(act);
          expect(point.momentum).toBe(momentum);
          expect(point.lr).toBeCloseTo(lr, 15);
        }),
      ),
    );
    expect(Object.keys(points[0]!)).toEqual(["act", "momentum", "lr"]);
    // One point is the middle of the range: the geometric mean in log space.
    expect(gridPoints({ lr: logUniform(1e-4, 1) }, { lr: 1 })[0]!.lr).toBeCloseTo(1e-2, 15);
    expect(gridPoints({ n: intUniform(1, 10) }, { n: 4 }).map((p) => p.n)).toEqual([1, 4, 7, 10]);
    // Explicit values keep their order.
    expect(gridPoints(space, { act: ["tanh"], momentum: [0.9, 0], lr: [0.01] })).toEqual([
      { act: "tanh", momentum: 0.9, lr: 0.01 },
      { act: "tanh", momentum: 0, lr: 0.01 },
    ]);
  });

  it("runs one trial per point in grid order", async () => {
    const seen: unknown[] = [];
    const result = await gridSearch(
      space,
      (p) => {
        seen.push(p);
        return p.momentum;
      },
      { direction: "maximize", grid: { momentum: 2, lr: 2 }, seed: 3 },
    );
    expect(seen).toEqual(gridPoints(space, { momentum: 2, lr: 2 }));
    expect(result.trials.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(result.best.params.momentum).toBe(1);
    // Trial seeds depend only on the search's seed and the trial index: random search with seed 3 uses the same ones.
    const random = await randomSearch(space, (p) => p.momentum, { direction: "maximize", trials: 8, seed: 3 });
    expect(random.trials.map((t) => t.seed)).toEqual(result.trials.map((t) => t.seed));
  });

  it("rejects empty, missing, unknown and out-of-space axes and grids over the budget, naming them", async () => {
    let calls = 0;
    const objective = () => ++calls;
    const run = (grid: object, maxTrials?: number) => gridSearch(space, objective, { direction: "maximize", grid: grid as never, maxTrials });
    await expect(run({ momentum: [], lr: 2 })).rejects.toThrow(
      "gridSearch: options.grid.momentum = [], expected a number of points >= 1 or a non-empty array of values",
    );
    await expect(run({ momentum: 0, lr: 2 })).rejects.toThrow("gridSearch: options.grid.momentum = 0, expected an integer >= 1");
    await expect(run({ momentum: 2 })).rejects.toThrow("gridSearch: options.grid.lr = undefined, expected a number of points or a list of values");
    await expect(run({ momentum: 2, lr: 2, wd: 3 })).rejects.toThrow('gridSearch: options.grid.wd = 3, expected no axis: the space has no dimension "wd"');
    await expect(run({ momentum: [0.5, 1.5], lr: 2 })).rejects.toThrow(
      "gridSearch: options.grid.momentum[1] = 1.5, expected a number in [0, 1] (inside the declared space)",
    );
    await expect(run({ act: ["relu", "gelu"], momentum: 2, lr: 2 })).rejects.toThrow('options.grid.act[1] = "gelu", expected one of ["relu", "tanh"]');
    await expect(run({ act: 2, momentum: 2, lr: 2 })).rejects.toThrow("options.grid.act = 2, expected a list of the choice's values");
    await expect(run({ momentum: 3, lr: 3 }, 10)).rejects.toThrow(
      'gridSearch: options.grid = {"momentum":3,"lr":3}, expected a grid of at most options.maxTrials = 10 points (it has 18)',
    );
    await expect(run({ momentum: 3, lr: 3 }, 0)).rejects.toThrow("gridSearch: options.maxTrials = 0, expected an integer >= 1");
    expect(() => gridPoints({ n: intUniform(1, 3) }, { n: 4 })).toThrow("gridPoints: grid.n = 4, expected an integer in [1, 3]");
    expect(calls).toBe(0);
    // A grid within the budget runs.
    await run({ momentum: 2, lr: 2 }, 8);
    expect(calls).toBe(8);
  });
});

describe("coarse to fine", () => {
  it("refines by the documented rule: top-k span ± padding·width, in log space for log dimensions, clipped", () => {
    const space = {
      lr: logUniform(1e-5, 1),
      momentum: linearUniform(0, 1),
      units: intUniform(1, 100),
      act: choice(["relu", "tanh", "elu"]),
    };
    const trial = (index: number, score: number, params: ParamsOf<typeof space>): Trial<ParamsOf<typeof space>> => ({
      index,
      stage: 0,
      seed: index,
      params,
      score,
      metrics: {},
    });
    const trials = [
      trial(0, 0.9, { lr: 1e-3, momentum: 0.95, units: 50, act: "tanh" }),
      trial(1, 0.8, { lr: 1e-2, momentum: 0.9, units: 50, act: "relu" }),
      trial(2, 0.2, { lr: 1e-5, momentum: 0.0, units: 1, act: "elu" }),
      trial(3, NaN, { lr: 1, momentum: 0.1, units: 100, act: "elu" }),
    ];
    const refined = refineSpace(space, trials, { direction: "maximize", topK: 2, padding: 0.1 });
    // lr: log10 span [−3, −2] ± 0.1·5 decades → [10^−3.5, 10^−1.5].
    const lr = refined.lr as LogUniformDimension;
    expect(lr.type).toBe("logUniform");
    expect(Math.log10(lr.low)).toBeCloseTo(-3.5, 12);
    expect(Math.log10(lr.high)).toBeCloseTo(-1.5, 12);
    // momentum: [0.9, 0.95] ± 0.1 → [0.8, 1.05], clipped to the old high 1.
    expect(refined.momentum.type).toBe("linearUniform");
    expect((refined.momentum as { low: number }).low).toBeCloseTo(0.8, 12);
    expect((refined.momentum as { high: number }).high).toBe(1);
    // units: [50, 50] ± 9.9 rounded outward → [40, 60].
    expect(refined.units).toEqual({ type: "intUniform", low: 40, high: 60 });
    // act: the values the two best took, in declared order.
    expect(refined.act).toEqual({ type: "choice", values: ["relu", "tanh"] });
    // An integer range that would shrink to one value keeps two.
    const narrow = refineSpace({ n: intUniform(1, 5) }, [{ index: 0, stage: 0, seed: 0, params: { n: 5 }, score: 1, metrics: {} }], {
      direction: "maximize",
      topK: 1,
      padding: 0.1,
    });
    expect(narrow.n).toEqual({ type: "intUniform", low: 4, high: 5 });
    // Minimizing picks the other end.
    const low = refineSpace(space, trials, { direction: "minimize", topK: 1, padding: 0.1 });
    expect(low.lr).toEqual({ type: "logUniform", low: 1e-5, high: expect.closeTo(10 ** -4.5, 18) });
  });

  it("rejects refining around nothing and bad options", () => {
    const nan = [{ index: 0, stage: 0, seed: 0, params: { x: 0.5 }, score: NaN, metrics: {} }];
    expect(() => refineSpace({ x: linearUniform(0, 1) }, nan, { direction: "maximize" })).toThrow("refineSpace: every one of the 1 trials scored NaN");
    const ok = [{ index: 0, stage: 0, seed: 0, params: { x: 0.5 }, score: 1, metrics: {} }];
    expect(() => refineSpace({ x: linearUniform(0, 1) }, ok, { direction: "maximize", padding: 0 })).toThrow("refineSpace: options.padding = 0");
    expect(() => refineSpace({ x: linearUniform(0, 1) }, ok, { direction: "maximize", topK: 0 })).toThrow(
      "refineSpace: options.topK = 0, expected an integer >= 1",
    );
    expect(() => refineSpace({ x: linearUniform(0, 1) }, [], { direction: "maximize" })).toThrow(
      "refineSpace: trials = [], expected a non-empty array of trials",
    );
    const outside = [{ index: 0, stage: 0, seed: 0, params: { x: 2 }, score: 1, metrics: {} }];
    expect(() => refineSpace({ x: linearUniform(0, 1) }, outside, { direction: "maximize" })).toThrow(
      "refineSpace: trials[0].params.x = 2, expected a value inside space.x",
    );
  });

  it("narrows each stage around the best and finds the optimum of a known objective", async () => {
    // Peak at lr = 10^−2.5, momentum = 0.9; the score falls with the distance in decades and in momentum.
    const space = { lr: logUniform(1e-6, 1), momentum: linearUniform(0, 1) };
    const objective = (p: ParamsOf<typeof space>) => -((Math.log10(p.lr) + 2.5) ** 2) - 10 * (p.momentum - 0.9) ** 2;
    const result = await coarseToFine(space, objective, { direction: "maximize", seed: 21, stages: [{ trials: 24 }, { trials: 24 }, { trials: 24 }] });
    expect(result.trials).toHaveLength(72);
    expect(result.trials.map((t) => t.index)).toEqual(Array.from({ length: 72 }, (_, i) => i));
    expect(result.stages.map((s) => s.trials)).toEqual([24, 24, 24]);
    expect(result.stages[0]!.space).toBe(space);
    for (const [s, stage] of result.stages.entries()) {
      const lr = stage.space.lr as LogUniformDimension;
      const momentum = stage.space.momentum as { low: number; high: number };
      // Every trial of the stage lies in the stage's space...
      for (const t of result.trials.filter((t) => t.stage === s)) {
        expect(t.params.lr).toBeGreaterThanOrEqual(lr.low);
        expect(t.params.lr).toBeLessThanOrEqual(lr.high);
        expect(t.params.momentum).toBeGreaterThanOrEqual(momentum.low);
        expect(t.params.momentum).toBeLessThanOrEqual(momentum.high);
      }
      if (s === 0) continue;
      // ...which is the previous one refined around its best ⌈24/4⌉ = 6 trials, and strictly narrower.
      const previous = result.stages[s - 1]!;
      const expected = refineSpace(
        previous.space as typeof space,
        result.trials.filter((t) => t.stage === s - 1),
        { direction: "maximize", topK: 6 },
      );
      expect(stage.space).toEqual(expected);
      const prevLr = previous.space.lr as LogUniformDimension;
      expect(Math.log(lr.high / lr.low)).toBeLessThan(Math.log(prevLr.high / prevLr.low));
      expect(lr.low).toBeGreaterThanOrEqual(prevLr.low);
      expect(lr.high).toBeLessThanOrEqual(prevLr.high);
      // The optimum stays inside.
      expect(lr.low).toBeLessThan(10 ** -2.5);
      expect(lr.high).toBeGreaterThan(10 ** -2.5);
    }
    // The final stage searched a much narrower range (less than a third of the 6 decades) and did better than stage 0.
    const last = result.stages[2]!.space.lr as LogUniformDimension;
    expect(Math.log10(last.high / last.low)).toBeLessThan(2);
    expect(result.stages[2]!.best.score).toBeGreaterThan(result.stages[0]!.best.score);
    expect(result.best).toBe(bestTrial(result.trials, "maximize"));
    // The same seed repeats the whole search.
    const again = await coarseToFine(space, objective, { direction: "maximize", seed: 21, stages: [{ trials: 24 }, { trials: 24 }, { trials: 24 }] });
    expect(again.trials).toEqual(result.trials);
  });

  it("runs grid stages on the narrowed space, ends included", async () => {
    const space = { lr: logUniform(1e-4, 1), act: choice(["relu", "tanh"]) };
    const objective = (p: ParamsOf<typeof space>) => -Math.abs(Math.log10(p.lr) + 2) + (p.act === "tanh" ? 1 : 0);
    const result = await coarseToFine(space, objective, { direction: "maximize", seed: 4, topK: 1, stages: [{ grid: { lr: 5 } }, { grid: { lr: 3 } }] });
    expect(result.stages.map((s) => s.trials)).toEqual([10, 3]); // stage 1 keeps only "tanh"
    const stage1 = result.stages[1]!.space;
    expect(stage1.act).toEqual({ type: "choice", values: ["tanh"] });
    // Best of stage 0: lr = 1e-2; ± 0.1·4 decades → [10^−2.4, 10^−1.6], laid as 3 log-spaced points.
    const lrs = result.trials.filter((t) => t.stage === 1).map((t) => Math.log10(t.params.lr));
    expect(lrs[0]).toBeCloseTo(-2.4, 12);
    expect(lrs[1]).toBeCloseTo(-2, 12);
    expect(lrs[2]).toBeCloseTo(-1.6, 12);
  });

  it("rejects bad stages before running anything", async () => {
    let calls = 0;
    const objective = () => ++calls;
    const space = { x: linearUniform(0, 1), n: intUniform(1, 4) };
    const run = (stages: unknown, extra: object = {}) => coarseToFine(space, objective, { direction: "maximize", stages: stages as never, ...extra });
    await expect(run([])).rejects.toThrow("coarseToFine: options.stages = [], expected a non-empty array of stages");
    await expect(run([{ trials: 4 }, { trials: 0 }])).rejects.toThrow("coarseToFine: options.stages[1].trials = 0, expected an integer >= 1");
    await expect(run([{ trials: 4, grid: { x: 2, n: 2 } }])).rejects.toThrow("options.stages[0] = ");
    await expect(run([{ trials: 4 }, { grid: { x: [0.1, 0.2], n: 2 } }])).rejects.toThrow("options.stages[1].grid.x = [0.1, 0.2], expected a number of points");
    await expect(run([{ trials: 4 }, { grid: { x: 2 } }])).rejects.toThrow("options.stages[1].grid.n = undefined");
    await expect(run([{ trials: 4 }], { padding: -1 })).rejects.toThrow("coarseToFine: options.padding = -1, expected a finite number > 0");
    await expect(run([{ trials: 4 }], { topK: 0 })).rejects.toThrow("coarseToFine: options.topK = 0");
    expect(calls).toBe(0);
  });
});

describe("trial failures", () => {
  const space = { lr: logUniform(1e-3, 1), act: choice(["relu", "tanh"]) };

  it("surface as a TrialError with the trial's index, seed and params, and stop the search", async () => {
    let calls = 0;
    const objective = async (p: ParamsOf<typeof space>, info: TrialInfo) => {
      calls += 1;
      if (info.index === 2) throw new Error(`diverged at lr ${p.lr}`);
      return 1;
    };
    const error = (await randomSearch(space, objective, { direction: "maximize", trials: 5, seed: 8 }).catch((e: unknown) => e)) as TrialError;
    expect(error).toBeInstanceOf(TrialError);
    const third = randomPoints(space, { trials: 3, seed: 8 })[2]!;
    expect(error.params).toEqual(third);
    expect(error.trial.index).toBe(2);
    expect(error.message).toBe(
      `randomSearch: trial 2 (stage 0, seed ${error.trial.seed}) failed with params ${JSON.stringify(third)}: diverged at lr ${third.lr}`,
    );
    expect((error.cause as Error).message).toBe(`diverged at lr ${third.lr}`);
    expect(error.stack).toContain("Caused by: Error: diverged");
    expect(calls).toBe(3);
  });

  it("reject return values that are not a score, and metrics that clash", async () => {
    const run = (value: unknown) => gridSearch(space, () => value as number, { direction: "maximize", grid: { lr: [0.1] } });
    await expect(run("0.5")).rejects.toThrow(
      /^gridSearch: trial 0 \(stage 0, seed \d+\) failed with params \{"lr":0.1,"act":"relu"\}: TypeError: the objective returned "0.5", expected a number or \{ score: number, \.\.\.metrics \}$/,
    );
    await expect(run({ accuracy: 0.5 })).rejects.toThrow("the objective returned score = undefined");
    await expect(run({ score: 0.5, lr: 1 })).rejects.toThrow('the objective returned a metric called "lr", which is taken by a hyperparameter');
    await expect(run({ score: 0.5, seed: 1 })).rejects.toThrow('a metric called "seed", which is taken by the trial table');
    await expect(run({ score: 0.5, curve: [1, 2] })).rejects.toThrow("metric curve = [1, 2], expected a number, string, boolean or null");
    const ok = await run({ score: 0.5, trainLoss: 0.2, diverged: false });
    expect(ok.trials[0]!.metrics).toEqual({ trainLoss: 0.2, diverged: false });
  });
});

describe("results as rows and charts", () => {
  it("gives flat table rows, best-so-far rows, a heatmap and a scatter", async () => {
    const space = { lr: logUniform(1e-3, 1e-1), wd: choice([0, 1e-4]) };
    const result = await gridSearch(space, (p, info) => ({ score: info.index === 3 ? NaN : Math.log10(p.lr) + p.wd * 1e4, epochs: 2 }), {
      direction: "maximize",
      grid: { lr: 3 },
      seed: 2,
    });
    // Grid order (wd fastest): 0 (1e-3, 0), 1 (1e-3, 1e-4), 2 (1e-2, 0), 3 (1e-2, 1e-4) scored NaN, 4 (0.1, 0), 5 (0.1, 1e-4).
    const scores = [-3, -2, -2, NaN, -1, 0];
    result.trials.forEach((t, i) => (Number.isNaN(scores[i]) ? expect(t.score).toBeNaN() : expect(t.score).toBeCloseTo(scores[i]!, 12)));
    const rows = trialRows(result.trials);
    expect(rows[1]).toEqual({ trial: 1, stage: 0, seed: result.trials[1]!.seed, score: result.trials[1]!.score, lr: 1e-3, wd: 1e-4, epochs: 2 });
    expect(rows[3]!.score).toBeNull();
    const best = bestSoFarRows(result.trials, "maximize", { series: "grid" });
    expect(best.map((r) => r.trials)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(best.map((r) => (r.best as number).toFixed(6))).toEqual(["-3.000000", "-2.000000", "-2.000000", "-2.000000", "-1.000000", "0.000000"]);
    expect(best[3]).toEqual({ trials: 4, score: null, best: Math.max(result.trials[1]!.score, result.trials[2]!.score), series: "grid" });
    const spec = searchHeatmap(result.trials, { x: "lr", y: "wd", title: "score" }) as unknown as {
      data: { values: { row: string; column: string; value: number }[] };
    };
    const cells = spec.data.values;
    expect(cells.map((c) => c.row)).toEqual(["0.0001", "0.0001", "0.0001", "0", "0", "0"]); // largest y on top
    expect(cells.map((c) => c.column)).toEqual(["0.001", "0.01", "0.1", "0.001", "0.01", "0.1"]);
    // The cell where the only trial scored NaN is null: drawn empty, not labelled "NaN".
    [-2, null, 0, -3, -2, -1].forEach((value, i) => (value === null ? expect(cells[i]!.value).toBeNull() : expect(cells[i]!.value).toBeCloseTo(value, 12)));
    const svg = await renderSvg(spec as never);
    expect(svg).toContain("<svg");
    expect(svg).not.toContain("NaN");
    // Repeats of a cell are averaged (or max / min).
    const repeated = [...result.trials, { ...result.trials[0]!, index: 6, score: -5 }];
    const mean = searchHeatmap(repeated, { x: "lr", y: "wd" }) as unknown as typeof spec;
    expect(mean.data.values[3]!.value).toBeCloseTo(-4, 12);
    const max = searchHeatmap(repeated, { x: "lr", y: "wd", aggregate: "max" }) as unknown as typeof spec;
    expect(max.data.values[3]!.value).toBeCloseTo(-3, 12);
    expect(() => searchHeatmap(result.trials, { x: "lr", y: "momentum" })).toThrow(
      'searchHeatmap: options.y = "momentum", expected a hyperparameter name (lr, wd)',
    );
    const scatter = trialScatter(result.trials, { x: "lr", logX: true }) as unknown as { encoding: { x: { scale: unknown } }; data: { values: unknown[] } };
    expect(scatter.encoding.x.scale).toEqual({ type: "log" });
    expect(scatter.data.values).toEqual(rows);
    expect(() => trialScatter(result.trials, { x: "lr", y: "accuracy" })).toThrow('trialScatter: options.y = "accuracy", expected a column of the trial table');
  });
});

describe("trials as training tasks on a TrainingPool", () => {
  // Small on purpose, as in parallel.test.ts: 256 MNIST digits, a 784-16-10 MLP, one epoch of batch 64.
  let x: PlainTensor;
  let y: PlainTensor;
  let topology: Record<string, unknown>;
  const pools: TrainingPool[] = [];

  beforeAll(async () => {
    await initBackend({ backend: "wasm" });
    const data = loadMnist({ seed: 1, trainLimit: 256, testLimit: 32 });
    x = toPlainTensor(data.xTrain);
    const oneHot = tf.tidy(() => tf.oneHot(data.yTrain, 10).toFloat());
    y = toPlainTensor(oneHot);
    oneHot.dispose();
    data.dispose();
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 16, activation: "relu", name: "hidden" }),
        tf.layers.dense({ units: 10, activation: "softmax", name: "output" }),
      ],
    });
    topology = modelTopology(model);
    model.dispose();
  });

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
  });

  const space = { learningRate: logUniform(1e-3, 1), batchSize: choice([32, 64]) };
  type P = ParamsOf<typeof space>;

  function task(p: P): TrainingTask {
    // (SGD, not Momentum: tfjs's Momentum optimizer keeps a scalar that dispose() does not free.)
    const optimizer = tf.train.sgd(p.learningRate);
    const spec = optimizerSpec(optimizer);
    optimizer.dispose();
    return {
      model: topology,
      compile: { optimizer: spec, loss: "categoricalCrossentropy", metrics: ["accuracy"] },
      data: { x, y },
      fit: { epochs: 1, batchSize: p.batchSize },
    };
  }

  it("gives the same trials on 2 worker threads as in this thread, for the same seed", async () => {
    const threads: number[] = [];
    const objective = (pool?: TrainingPool) =>
      trainingObjective<P>({
        task,
        score: (result) => {
          threads.push(result.threadId);
          const last = result.history.epochs.at(-1)!;
          return { score: last.loss, trainAccuracy: last.acc! };
        },
        pool,
      });
    const before = tf.memory().numTensors;
    const sequential = await randomSearch(space, objective(), { direction: "minimize", trials: 4, seed: 17 });
    expect(tf.memory().numTensors).toBe(before);
    expect(threads).toEqual([0, 0, 0, 0]);
    const pool = new TrainingPool({ workers: 2 });
    pools.push(pool);
    const pooled = await randomSearch(space, objective(pool), { direction: "minimize", trials: 4, seed: 17 });
    expect(new Set(threads.slice(4)).size).toBe(2);
    expect(threads.slice(4).every((id) => id !== 0)).toBe(true);
    // Bit for bit: the same params, seeds, losses and accuracies.
    expect(pooled.trials).toEqual(sequential.trials);
    expect(pooled.best).toEqual(sequential.best);
    // Trainings really differed: different rates, different losses.
    expect(new Set(sequential.trials.map((t) => t.score)).size).toBe(4);
    // And equal what a plain objective that trains the same task with the trial's seed gets.
    const plain = await randomSearch(
      space,
      async (p, info) => {
        const [result] = await trainSequential([{ ...task(p), seed: info.seed }]);
        const last = result!.history.epochs.at(-1)!;
        return { score: last.loss, trainAccuracy: last.acc! };
      },
      { direction: "minimize", trials: 4, seed: 17 },
    );
    expect(plain.trials).toEqual(sequential.trials);
  });

  it("names the trial and its params when its training fails in a worker or in this thread", async () => {
    const failing = (p: P): TrainingTask => (p.batchSize === 64 ? { ...task(p), compile: { optimizer: "sgd", loss: "noSuchLoss" } } : task(p));
    const pool = new TrainingPool({ workers: 2 });
    pools.push(pool);
    for (const runner of [pool, undefined]) {
      const error = (await gridSearch(space, trainingObjective<P>({ task: failing, score: (r) => r.history.epochs[0]!.loss, pool: runner }), {
        direction: "minimize",
        grid: { learningRate: [0.1] },
      }).catch((e: unknown) => e)) as TrialError;
      expect(error).toBeInstanceOf(TrialError);
      expect(error.trial.index).toBe(1);
      expect(error.params).toEqual({ learningRate: 0.1, batchSize: 64 });
      expect(error.cause).toBeInstanceOf(TaskError);
      expect(error.message).toMatch(
        /^gridSearch: trial 1 \(stage 0, seed \d+\) failed with params \{"learningRate":0.1,"batchSize":64\}: TaskError: task 1 failed in .*noSuchLoss/,
      );
    }
    // A task that cannot be built, and a score that throws, are named the same way.
    const unbuildable = await gridSearch(space, trainingObjective<P>({ task: () => ({}) as TrainingTask, score: () => 0 }), {
      direction: "minimize",
      grid: { learningRate: [0.1] },
    }).catch((e: unknown) => e);
    expect((unbuildable as Error).message).toMatch(
      /^gridSearch: trial 0 .* failed with params \{"learningRate":0.1,"batchSize":32\}: RangeError: gridSearch: task\(params, trial\)\.model/,
    );
    expect(() => trainingObjective({ task, score: 3 } as never)).toThrow("trainingObjective: options.score = 3, expected a function");
    expect(() => trainingObjective({ task, score: () => 0, pool: {} } as never)).toThrow("trainingObjective: options.pool = {}, expected a TrainingPool");
  });
});
