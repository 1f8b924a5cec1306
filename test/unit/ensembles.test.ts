import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fit, gaussianBlobs, glorotUniform, initBackend, tf } from "kernel-lib";
import {
  assignAveragedParameters,
  averageParameters,
  averageProbabilities,
  bootstrapSample,
  bootstrapSamples,
  classificationAccuracy,
  ensembleErrorDecomposition,
  ensembleErrorFormula,
  errorCorrelation,
  evaluateEnsemble,
  expectedUniqueFraction,
  freezeLayers,
  majorityVote,
  memberAccuracies,
  memberPredictions,
  pairwiseDisagreement,
  recomputeBatchNormStatistics,
  simulateEnsembleError,
  snapshotEnsemble,
  snapshotPredictions,
  trainBagging,
  trainSeedEnsemble,
  unfreezeLayers,
  uniqueCount,
  uniqueFractionStd,
  voteCounts,
  weightEma,
  weightedAverageProbabilities,
  type EnsembleTrainingOptions,
  type TrainedEnsemble,
} from "../../kernel-lib/src/ensembles";
import { BatchNorm } from "../../kernel-lib/src/normalizers/batch-norm/layer";
import { TrainingPool } from "../../kernel-lib/src/parallel";
import { Rng } from "../../kernel-lib/src/random";

const pools: TrainingPool[] = [];

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
});

/** Copies of the weights' values (plain arrays, no tensors kept). */
function weightValues(weights: readonly tf.Tensor[]): Float32Array[] {
  return weights.map((w) => Float32Array.from(w.dataSync()));
}

/** Bit-for-bit equality of two lists of float arrays. */
function expectSameBits(a: readonly Float32Array[], b: readonly Float32Array[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((values, i) => expect(Buffer.from(values.buffer).equals(Buffer.from(b[i]!.buffer))).toBe(true));
}

function probabilities(rows: number[][][]): tf.Tensor2D[] {
  return rows.map((member) => tf.tensor2d(member));
}

describe("bootstrap resampling", () => {
  it("draws N indices in [0, N) with replacement, and the out-of-bag rows are exactly the ones never drawn", () => {
    const n = 1000;
    const sample = bootstrapSample(n, { seed: 7 });
    expect(sample.indices).toHaveLength(n);
    expect(sample.indices.every((i) => Number.isInteger(i) && i >= 0 && i < n)).toBe(true);
    // With replacement: 1000 draws from 1000 without a repeat has probability 1000!/1000^1000 ≈ 1e-432.
    const distinct = uniqueCount(sample.indices);
    expect(distinct).toBeLessThan(n);
    const drawn = new Set(sample.indices);
    expect(sample.outOfBag.length).toBe(n - distinct);
    expect(Array.from(sample.outOfBag).every((i) => !drawn.has(i))).toBe(true);
    expect(Array.from(sample.outOfBag)).toEqual(Array.from(sample.outOfBag).sort((a, b) => a - b));
    expect(bootstrapSample(n, { size: 300, seed: 7 }).indices).toHaveLength(300);
  });

  it("is reproducible from its seed, and different seeds give different samples", () => {
    expect(Array.from(bootstrapSample(50, { seed: 3 }).indices)).toEqual(Array.from(bootstrapSample(50, { seed: 3 }).indices));
    expect(Array.from(bootstrapSample(50, { seed: 3 }).indices)).not.toEqual(Array.from(bootstrapSample(50, { seed: 4 }).indices));
    const samples = bootstrapSamples(50, 4, { seed: 9 });
    expect(samples).toHaveLength(4);
    expect(new Set(samples.map((s) => s.seed)).size).toBe(4);
    expect(Array.from(bootstrapSamples(50, 4, { seed: 9 })[2]!.indices)).toEqual(Array.from(samples[2]!.indices));
  });

  it("covers ≈ 63.2 % of the examples: 1 − (1 − 1/N)^N within 4 standard deviations", () => {
    expect(expectedUniqueFraction(10_000)).toBeCloseTo(1 - Math.exp(-1), 4);
    // One sample of N = 10,000: the fraction's sd is uniqueFractionStd ≈ 0.0024; 4 sd fails by chance with p ≈ 6e-5.
    const n = 10_000;
    const fraction = uniqueCount(bootstrapSample(n, { seed: 11 }).indices) / n;
    expect(Math.abs(fraction - expectedUniqueFraction(n))).toBeLessThan(4 * uniqueFractionStd(n));
    // 200 samples of N = 500: their mean is within 4·sd/√200 of the expectation, and their spread matches
    // uniqueFractionStd (the sample sd of 200 values has relative sd ≈ 1/√398 = 5 %; 4 of those is 20 %).
    const small = 500;
    const fractions = bootstrapSamples(small, 200, { seed: 12 }).map((s) => uniqueCount(s.indices) / small);
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    const sd = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / (fractions.length - 1));
    expect(Math.abs(mean - expectedUniqueFraction(small))).toBeLessThan((4 * uniqueFractionStd(small)) / Math.sqrt(200));
    expect(Math.abs(sd / uniqueFractionStd(small) - 1)).toBeLessThan(0.2);
  });

  it("rejects bad sizes and counts", () => {
    expect(() => bootstrapSample(0)).toThrow(/bootstrapSample: n = 0, expected an integer >= 1/);
    expect(() => bootstrapSample(10, { size: 0 })).toThrow(/options.size = 0/);
    expect(() => bootstrapSamples(10, 0)).toThrow(/bootstrapSamples: count = 0/);
  });
});

describe("combining members' predictions", () => {
  // 3 members × 4 examples × 3 classes, chosen so that each rule is exercised:
  // example 0: members vote 0, 1, 1 → the vote says 1 although the average says 0 (0.9 + 0.4 + 0.4 > 0.1 + 0.6 + 0.6);
  // example 1: votes 0, 1, 2 (a three-way tie); summed probabilities 0.9, 0.9, 1.2 → class 2, not the lowest index;
  // example 2: votes 0, 1, 2 and equal sums (1, 1, 1: exact in float32) → the lowest class index, 0;
  // example 3: unanimous class 2.
  const members = [
    [
      [0.9, 0.1, 0],
      [0.5, 0.3, 0.2],
      [0.5, 0.25, 0.25],
      [0.1, 0.2, 0.7],
    ],
    [
      [0.4, 0.6, 0],
      [0.1, 0.5, 0.4],
      [0.25, 0.5, 0.25],
      [0.2, 0.2, 0.6],
    ],
    [
      [0.4, 0.6, 0],
      [0.3, 0.1, 0.6],
      [0.25, 0.25, 0.5],
      [0, 0.1, 0.9],
    ],
  ];

  it("averages probabilities, weighted and unweighted", () => {
    const p = probabilities(members);
    const before = tf.memory().numTensors;
    const mean = averageProbabilities(p);
    const expected = members[0]!.map((row, e) => row.map((_, c) => (members[0]![e]![c]! + members[1]![e]![c]! + members[2]![e]![c]!) / 3));
    (mean.arraySync() as number[][]).forEach((row, e) => row.forEach((v, c) => expect(v).toBeCloseTo(expected[e]![c]!, 6)));
    const weighted = weightedAverageProbabilities(p, [2, 1, 1]);
    const same = weightedAverageProbabilities(p, [0.5, 0.25, 0.25]);
    const w = weighted.arraySync() as number[][];
    w.forEach((row, e) => row.forEach((v, c) => expect(v).toBeCloseTo((2 * members[0]![e]![c]! + members[1]![e]![c]! + members[2]![e]![c]!) / 4, 6)));
    expect(same.arraySync()).toEqual(w);
    // a weight of 0 drops a member: weights [0, 1, 0] give member 1 exactly.
    const only = weightedAverageProbabilities(p, [0, 1, 0]);
    expect(only.arraySync()).toEqual(p[1]!.arraySync());
    tf.dispose([mean, weighted, same, only]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(p);
  });

  it("votes by majority; ties go to the highest summed probability, then to the lowest class index", () => {
    const p = probabilities(members);
    const vote = majorityVote(p);
    expect(vote.dtype).toBe("int32");
    expect(Array.from(vote.dataSync())).toEqual([1, 2, 0, 2]);
    const average = averageProbabilities(p);
    expect(Array.from(tf.argMax(average, 1).dataSync())).toEqual([0, 2, 0, 2]);
    expect(Array.from(voteCounts(p).counts)).toEqual([1, 2, 0, 1, 1, 1, 1, 1, 1, 0, 0, 3]);
    tf.dispose([vote, average, ...p]);
    // Two members split 1–1: the summed probability decides (0.6 + 0.3 < 0.4 + 0.7 → class 1).
    const split = probabilities([[[0.6, 0.4, 0]], [[0.3, 0.7, 0]]]);
    expect(Array.from(majorityVote(split).dataSync())).toEqual([1]);
    // More votes beat more probability: votes 0, 0, 2 with a confident third member (sums 0.9, 0, 1.2) → class 0.
    const confident = probabilities([[[0.5, 0, 0.5 - 1e-3]], [[0.4, 0, 0.3]], [[0, 0, 1]]]);
    expect(Array.from(majorityVote(confident).dataSync())).toEqual([0]);
    // A member whose own probabilities tie votes for its lowest index (as tf.argMax).
    const selfTie = probabilities([[[0.5, 0.5, 0]]]);
    expect(Array.from(majorityVote(selfTie).dataSync())).toEqual([0]);
    tf.dispose([...split, ...confident, ...selfTie]);
  });

  it("rejects an empty member list, mismatched shapes and bad weights", () => {
    const p = probabilities(members);
    expect(() => averageProbabilities([])).toThrow(/averageProbabilities: memberProbabilities = \[\], expected a non-empty array/);
    expect(() => majorityVote([])).toThrow(/non-empty array/);
    const other = tf.zeros([4, 2]);
    expect(() => averageProbabilities([p[0]!, other])).toThrow(/memberProbabilities\[1\] = "a tensor of shape \[4, 2\]", expected a tensor of shape \[4, 3\]/);
    expect(() => weightedAverageProbabilities(p, [0, 0, 0])).toThrow(/weights = \[0, 0, 0\], expected weights with a positive sum/);
    expect(() => weightedAverageProbabilities(p, [1, -1, 1])).toThrow(/weights\[1\] = -1, expected a finite number >= 0/);
    expect(() => weightedAverageProbabilities(p, [1, 1])).toThrow(/weights.length = 2, expected 3/);
    expect(() => weightedAverageProbabilities(p, [1, NaN, 1])).toThrow(/weights\[1\] = NaN/);
    tf.dispose([other, ...p]);
  });

  it("measures member and ensemble accuracy", () => {
    const p = probabilities(members);
    const labels = [1, 2, 0, 2];
    // member argmaxes: [0, 0, 0, 2], [1, 1, 1, 2], [1, 2, 2, 2]
    expect(memberAccuracies(p, labels)).toEqual([0.5, 0.5, 0.75]);
    const labelTensor = tf.tensor1d(labels, "int32");
    const evaluation = evaluateEnsemble(p, labelTensor, { weights: [0, 0, 1] });
    expect(evaluation.members).toEqual([0.5, 0.5, 0.75]);
    expect(evaluation.meanMember).toBeCloseTo(1.75 / 3, 12);
    expect(evaluation.bestMember).toBe(0.75);
    expect(evaluation.average).toBe(0.75); // average predicts [0, 2, 0, 2]
    expect(evaluation.vote).toBe(1); // vote predicts [1, 2, 0, 2]
    expect(evaluation.weighted).toBe(0.75);
    const oneHot = tf.oneHot(labelTensor, 3);
    const before = tf.memory().numTensors;
    expect(classificationAccuracy(p[2]!, oneHot)).toBe(0.75);
    expect(evaluateEnsemble(p, oneHot).vote).toBe(1);
    expect(errorCorrelation(p, oneHot).matrix).toHaveLength(3);
    expect(tf.memory().numTensors).toBe(before);
    const vote = majorityVote(p);
    expect(classificationAccuracy(vote, labels)).toBe(1);
    expect(() => memberAccuracies(p, [1, 2, 0])).toThrow(/labels.length = 3, expected 4/);
    expect(() => memberAccuracies(p, [1, 2, 0, 3])).toThrow(/labels\[3\] = 3, expected a class index in \[0, 2\]/);
    tf.dispose([labelTensor, oneHot, vote, ...p]);
  });
});

describe("diversity", () => {
  it("pairwise disagreement and error correlation on hand-made predictions", () => {
    // Predicted classes (one-hot probabilities) of 3 members on 4 examples; labels [0, 0, 1, 1].
    const classes = [
      [0, 0, 1, 0],
      [0, 1, 1, 0],
      [1, 1, 0, 1],
    ];
    const oneHot = (row: number[]) => tf.tidy(() => tf.oneHot(tf.tensor1d(row, "int32"), 2).toFloat());
    const p = classes.map(oneHot);
    const disagreement = pairwiseDisagreement(p);
    expect(disagreement.matrix).toEqual([
      [0, 0.25, 1],
      [0.25, 0, 0.75],
      [1, 0.75, 0],
    ]);
    expect(disagreement.mean).toBeCloseTo(2 / 3, 12);
    // errors: member 0 [0,0,0,1], member 1 [0,1,0,1], member 2 [1,1,1,0]
    const correlation = errorCorrelation(p, [0, 0, 1, 1]);
    // φ(e0, e1): means 1/4 and 1/2, E[e0·e1] = 1/4, cov = 1/4 − 1/8 = 1/8, variances 3/16 and 1/4 → (1/8)/√(3/64) = 1/√3
    expect(correlation.matrix[0]![1]).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(correlation.matrix[0]![2]).toBeCloseTo(-1, 12);
    expect(correlation.matrix[1]![2]).toBeCloseTo(-1 / Math.sqrt(3), 12);
    expect(correlation.matrix[1]![1]).toBe(1);
    // A member right everywhere has a constant error indicator: its correlations are undefined (NaN) and skipped.
    const perfect = oneHot([0, 0, 1, 1]);
    const withPerfect = errorCorrelation([p[0]!, p[1]!, perfect], [0, 0, 1, 1]);
    expect(withPerfect.matrix[0]![2]).toBeNaN();
    expect(withPerfect.mean).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(() => pairwiseDisagreement([p[0]!])).toThrow(/at least 2 members/);
    expect(() => errorCorrelation(p, [0, 0, 1, 1], { errors: "squared" as never })).toThrow(/options.errors = "squared"/);
    tf.dispose([perfect, ...p]);
  });

  it("the ensemble's squared error equals (1/k)·E[ε²] + ((k−1)/k)·E[εᵢεⱼ] on real predictions, exactly", () => {
    const stream = new Rng(5);
    const k = 4;
    const n = 60;
    const p = Array.from({ length: k }, () =>
      tf.softmax(
        tf.tensor2d(
          Array.from({ length: n * 3 }, () => stream.normal(0, 2)),
          [n, 3],
        ),
      ),
    );
    const labels = Array.from({ length: n }, () => stream.int(3));
    const d = ensembleErrorDecomposition(p, labels);
    expect(Math.abs(d.formula - d.ensembleSquaredError)).toBeLessThan(1e-12);
    expect(d.ensembleSquaredError).toBeLessThan(d.meanMemberSquaredError);
    // With k = 1 the ensemble is its member.
    const single = ensembleErrorDecomposition([p[0]!], labels);
    expect(single.ensembleSquaredError).toBeCloseTo(single.meanMemberSquaredError, 12);
    const residual = errorCorrelation(p, labels, { errors: "residual" });
    expect(residual.mean).toBeGreaterThan(-1);
    expect(residual.mean).toBeLessThan(1);
    tf.dispose(p);
  });
});

describe("the ensemble error law, simulated", () => {
  it("measures (1/k)·v + ((k−1)/k)·ρv within 4 standard errors of the Gaussian ε̄² (formula·√(2/trials))", () => {
    const trials = 20_000;
    for (const [k, correlation, seed] of [
      [1, 0, 1],
      [5, 0, 2],
      [5, 0.3, 3],
      [10, 0.7, 4],
      [20, 1, 5],
    ] as const) {
      const variance = 2;
      const s = simulateEnsembleError({ k, variance, correlation, trials, seed });
      const formula = variance / k + ((k - 1) / k) * correlation * variance;
      expect(s.formula).toBeCloseTo(formula, 12);
      // ε̄ ~ N(0, formula): ε̄² has sd √2·formula, its mean over `trials` draws has sd formula·√(2/trials) (1 % here).
      const tolerance = 4 * formula * Math.sqrt(2 / trials);
      expect(Math.abs(s.ensembleMeanSquaredError - formula)).toBeLessThan(tolerance);
      expect(Math.abs(s.standardError / (formula * Math.sqrt(2 / trials)) - 1)).toBeLessThan(0.1);
      // The formula with the measured moments is an identity.
      expect(Math.abs(s.empiricalFormula - s.ensembleMeanSquaredError)).toBeLessThan(1e-9 * formula);
      // mean over members and trials of εᵢ²: Var(εᵢ²) = 2v², Cov(εᵢ², εⱼ²) = 2ρ²v², so its sd is v·√(2(1 + (k−1)ρ²)/(k·trials)).
      expect(Math.abs(s.memberMeanSquaredError - variance)).toBeLessThan(4 * variance * Math.sqrt((2 * (1 + (k - 1) * correlation ** 2)) / (k * trials)));
    }
  });

  it("independent errors shrink as 1/k, correlated ones level off at ρv", () => {
    const independent = simulateEnsembleError({ k: 10, variance: 1, correlation: 0, trials: 20_000, seed: 8 });
    expect(independent.ensembleMeanSquaredError).toBeLessThan(0.12);
    const correlated = simulateEnsembleError({ k: 10, variance: 1, correlation: 0.5, trials: 20_000, seed: 8 });
    expect(correlated.ensembleMeanSquaredError).toBeGreaterThan(0.5);
    expect(ensembleErrorFormula({ k: 4, meanSquaredError: 1, pairwiseProduct: -0.2 })).toBeCloseTo(0.25 - 0.15, 12);
  });

  it("rejects k < 1, a correlation outside [0, 1] and no trials", () => {
    expect(() => simulateEnsembleError({ k: 0 })).toThrow(/simulateEnsembleError: options.k = 0, expected an integer >= 1/);
    expect(() => simulateEnsembleError({ k: 2, correlation: 1.5 })).toThrow(/options.correlation = 1.5, expected a finite number in \[0, 1\]/);
    expect(() => simulateEnsembleError({ k: 2, trials: 0 })).toThrow(/options.trials = 0/);
    expect(() => simulateEnsembleError({ k: 2, variance: -1 })).toThrow(/options.variance = -1/);
  });
});

/** A small MLP with explicit names and seeded initializers. */
function mlp(seed: number, units = 6, inputs = 4): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ name: "hidden", inputShape: [inputs], units, activation: "tanh", kernelInitializer: glorotUniform({ seed }) }),
      tf.layers.dense({ name: "output", units: 3, activation: "softmax", kernelInitializer: glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

function disposeModel(model: tf.LayersModel): void {
  model.optimizer?.dispose();
  model.dispose();
}

describe("parameter averaging", () => {
  it("the average of two models is the element-wise mean of their weights", () => {
    const a = mlp(1);
    const b = mlp(2);
    const before = tf.memory().numTensors;
    const averaged = averageParameters([a, b]);
    const [wa, wb, wm] = [weightValues(a.getWeights()), weightValues(b.getWeights()), weightValues(averaged)];
    wm.forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo((wa[i]![j]! + wb[i]![j]!) / 2, 6)));
    // weighted: 3:1
    const weighted = averageParameters([a, b], { weights: [3, 1] });
    weightValues(weighted).forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo(0.75 * wa[i]![j]! + 0.25 * wb[i]![j]!, 6)));
    tf.dispose([...averaged, ...weighted]);
    expect(tf.memory().numTensors).toBe(before);
    // into a third model of the same architecture (and from weight lists, e.g. snapshots)
    const target = mlp(3);
    assignAveragedParameters(target, [a.getWeights(), b.getWeights()]);
    weightValues(target.getWeights()).forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo((wa[i]![j]! + wb[i]![j]!) / 2, 6)));
    [a, b, target].forEach((m) => m.dispose());
  });

  it("rejects mismatched architectures and an empty list", () => {
    const a = mlp(1);
    const wider = mlp(2, 7);
    const deeper = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 6 }), tf.layers.dense({ units: 6 }), tf.layers.dense({ units: 3 })],
    });
    expect(() => averageParameters([a, wider])).toThrow(
      /averageParameters: sources\[1\] weight 0 = "kernel of shape \[4, 7\]", expected kernel of shape \[4, 6\].*mismatched architectures/,
    );
    expect(() => averageParameters([a, deeper])).toThrow(/sources\[1\] \(number of weights\) = 6, expected 4 .*mismatched architectures/);
    expect(() => averageParameters([])).toThrow(/sources = \[\], expected a non-empty array/);
    expect(() => assignAveragedParameters(wider, [a])).toThrow(/assignAveragedParameters: target weight 0/);
    expect(() => averageParameters([a, a], { weights: [0, 0] })).toThrow(/positive sum/);
    [a, wider, deeper].forEach((m) => m.dispose());
  });
});

describe("recomputeBatchNormStatistics", () => {
  /** Dense → tfjs BN → Dense → kernel-lib BatchNorm (unbiased) → Dense. */
  function bnModel(): tf.LayersModel {
    const init = (s: number) => glorotUniform({ seed: s });
    return tf.sequential({
      layers: [
        tf.layers.dense({ name: "d1", inputShape: [4], units: 3, kernelInitializer: init(1), biasInitializer: tf.initializers.constant({ value: 0.5 }) }),
        tf.layers.batchNormalization({ name: "bn1", gammaInitializer: tf.initializers.constant({ value: 1.5 }) }),
        tf.layers.dense({ name: "d2", units: 2, kernelInitializer: init(2) }),
        new BatchNorm({ name: "bn2" }),
        tf.layers.dense({ name: "out", units: 1, kernelInitializer: init(3) }),
      ],
    });
  }

  /** Per-column mean and variance (÷ n, or ÷ (n − 1)) of a row-major matrix. */
  function columnMoments(rows: number[][], unbiased: boolean): [number[], number[]] {
    const n = rows.length;
    const mean = rows[0]!.map((_, c) => rows.reduce((s, r) => s + r[c]!, 0) / n);
    const variance = mean.map((m, c) => rows.reduce((s, r) => s + (r[c]! - m) ** 2, 0) / (unbiased ? n - 1 : n));
    return [mean, variance];
  }

  function dense(rows: number[][], kernel: number[][], bias: number[]): number[][] {
    return rows.map((r) => bias.map((b, j) => b + r.reduce((s, v, i) => s + v * kernel[i]![j]!, 0)));
  }

  it("sets each layer's running statistics to those of its inputs on the data, upstream layers first", () => {
    const model = bnModel();
    const stream = new Rng(21);
    const rows = Array.from({ length: 50 }, () => Array.from({ length: 4 }, () => stream.normal(1, 2)));
    const x = tf.tensor2d(rows);
    const before = tf.memory().numTensors;
    const report = recomputeBatchNormStatistics(model, x, { batchSize: 7 });
    expect(tf.memory().numTensors).toBe(before);
    expect(report).toEqual([
      { layer: "bn1", count: 50, variance: "biased" },
      { layer: "bn2", count: 50, variance: "unbiased" },
    ]);
    const w = (name: string) =>
      model
        .getLayer(name)
        .getWeights()
        .map((t) => t.arraySync());
    const [k1, b1] = w("d1") as [number[][], number[]];
    const h1 = dense(rows, k1, b1);
    const [m1, v1] = columnMoments(h1, false);
    const [gamma1, beta1, mm1, mv1] = w("bn1") as number[][];
    mm1!.forEach((v, c) => expect(v).toBeCloseTo(m1[c]!, 4));
    mv1!.forEach((v, c) => expect(Math.abs(v / v1[c]! - 1)).toBeLessThan(1e-5));
    // bn2 sees bn1's output computed with the recomputed statistics (inference mode), then d2.
    const normalized = h1.map((r) => r.map((v, c) => (gamma1![c]! * (v - mm1![c]!)) / Math.sqrt(mv1![c]! + 1e-3) + beta1![c]!));
    const [k2, b2] = w("d2") as [number[][], number[]];
    const [m2, v2] = columnMoments(dense(normalized, k2, b2), true);
    const [, , mm2, mv2] = w("bn2") as number[][];
    mm2!.forEach((v, c) => expect(v).toBeCloseTo(m2[c]!, 4));
    mv2!.forEach((v, c) => expect(Math.abs(v / v2[c]! - 1)).toBeLessThan(1e-4));
    // A fixed point: recomputing again, in one batch, changes nothing beyond float32 rounding.
    recomputeBatchNormStatistics(model, x, { batchSize: 1000 });
    const again = w("bn2") as number[][];
    again[2]!.forEach((v, c) => expect(v).toBeCloseTo(mm2![c]!, 5));
    x.dispose();
    model.dispose();
  });

  it("reduces over examples and positions of a conv feature map, also when the batch-norm layer is the first", () => {
    const model = tf.sequential({ layers: [tf.layers.batchNormalization({ name: "bn", inputShape: [3, 3, 2] }), tf.layers.flatten()] });
    const stream = new Rng(4);
    const values = Array.from({ length: 5 * 3 * 3 * 2 }, () => stream.normal(2, 3));
    const x = tf.tensor4d(values, [5, 3, 3, 2]);
    const [report] = recomputeBatchNormStatistics(model, x, { batchSize: 2 });
    expect(report!.count).toBe(45);
    const channels = [0, 1].map((c) => values.filter((_, i) => i % 2 === c));
    const [, , mean, variance] = model
      .getLayer("bn")
      .getWeights()
      .map((t) => Array.from(t.dataSync()));
    channels.forEach((list, c) => {
      const m = list.reduce((a, b) => a + b, 0) / list.length;
      expect(mean![c]).toBeCloseTo(m, 4);
      expect(Math.abs(variance![c]! / (list.reduce((a, v) => a + (v - m) ** 2, 0) / list.length) - 1)).toBeLessThan(1e-5);
    });
    x.dispose();
    model.dispose();
  });

  it("leaves a model without batch norm alone and refuses batch norm inside a nested model", () => {
    const plain = mlp(1);
    const x = tf.ones([3, 4]);
    const weights = weightValues(plain.getWeights());
    expect(recomputeBatchNormStatistics(plain, x)).toEqual([]);
    expectSameBits(weightValues(plain.getWeights()), weights);
    const inner = tf.sequential({ name: "inner", layers: [tf.layers.batchNormalization({ inputShape: [4] })] });
    const outer = tf.sequential({ layers: [inner, tf.layers.dense({ units: 1 })] });
    expect(() => recomputeBatchNormStatistics(outer, x)).toThrow(/layer "inner" = "a nested model with batch norm"/);
    expect(() => recomputeBatchNormStatistics(plain, x, { batchSize: 0 })).toThrow(/options.batchSize = 0/);
    x.dispose();
    plain.dispose();
    outer.dispose();
  });
});

/** A 3-class problem with overlapping classes: 3 Gaussian blobs in 4 dimensions, 20 points each. */
function blobs(seed: number, nPerClass = 20): { x: tf.Tensor2D; y: tf.Tensor2D; labels: number[] } {
  const data = gaussianBlobs({ centers: 3, dims: 4, nPerClass, std: 1.5, spread: 2, seed });
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(data.labels, "int32"), 3).toFloat() as tf.Tensor2D);
  return { x: tf.tensor2d(data.points), y, labels: data.labels };
}

describe("snapshot ensembles", () => {
  /** Records a copy of the weights after every step and every epoch. */
  function recorder(model: tf.LayersModel) {
    const steps: Float32Array[][] = [];
    const epochs: Float32Array[][] = [];
    return {
      steps,
      epochs,
      onBatchEnd: () => void steps.push(weightValues(model.getWeights())),
      onEpochEnd: () => void epochs.push(weightValues(model.getWeights())),
    };
  }

  it("saves the weights at exactly the cycle ends (steps), as kernel-lib fit callback", async () => {
    const { x, y } = blobs(1); // 60 examples, batch 6: 10 steps per epoch
    const model = mlp(5);
    model.compile({ optimizer: tf.train.sgd(0.1), loss: "categoricalCrossentropy" });
    const before = tf.memory().numTensors;
    const collector = snapshotEnsemble({ cycleLength: 6, model });
    const record = recorder(model);
    await fit(model, x, y, { epochs: 2, batchSize: 6, seed: 1, callbacks: [collector, record] });
    expect(collector.snapshots.map((s) => [s.cycle, s.step, s.epoch])).toEqual([
      [1, 6, 1],
      [2, 12, 2],
      [3, 18, 2],
    ]);
    collector.snapshots.forEach((s) => expectSameBits(weightValues(s.weights), record.steps[s.step - 1]!));
    // weights change every step, so a snapshot one step off would differ
    expect(Buffer.from(record.steps[5]![0]!.buffer).equals(Buffer.from(record.steps[6]![0]!.buffer))).toBe(false);
    // the incomplete last cycle (steps 19–20) is saved only when asked; keepLast frees older snapshots
    const partial = snapshotEnsemble({ cycleLength: 6, model, saveIncompleteCycle: true, keepLast: 2 });
    await fit(model, x, y, { epochs: 2, batchSize: 6, seed: 1, callbacks: partial });
    expect(partial.snapshots.map((s) => [s.cycle, s.step])).toEqual([
      [3, 18],
      [4, 20],
    ]);
    // snapshots are owned by the collectors: 2 collectors × weights, freed by dispose
    collector.dispose();
    partial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    disposeModel(model);
  });

  it("saves at epoch-cycle ends and at step-cycle ends through tfjs's model.fit", async () => {
    const { x, y } = blobs(2);
    const model = mlp(6);
    model.compile({ optimizer: tf.train.sgd(0.1), loss: "categoricalCrossentropy" });
    const byEpoch = snapshotEnsemble({ cycleLength: 2, unit: "epoch" });
    const byStep = snapshotEnsemble({ cycleLength: 7 });
    const epochs: Float32Array[][] = [];
    const steps: Float32Array[][] = [];
    const record = new tf.CustomCallback({
      onBatchEnd: async () => void steps.push(weightValues(model.getWeights())),
      onEpochEnd: async () => void epochs.push(weightValues(model.getWeights())),
    });
    await model.fit(x, y, { epochs: 5, batchSize: 20, shuffle: false, verbose: 0, callbacks: [byEpoch.asTfjsCallback(), byStep.asTfjsCallback(), record] });
    expect(byEpoch.snapshots.map((s) => [s.cycle, s.epoch, s.step])).toEqual([
      [1, 2, 6],
      [2, 4, 12],
    ]);
    byEpoch.snapshots.forEach((s) => expectSameBits(weightValues(s.weights), epochs[s.epoch - 1]!));
    expect(byStep.snapshots.map((s) => [s.step, s.epoch])).toEqual([
      [7, 3],
      [14, 5],
    ]);
    byStep.snapshots.forEach((s) => expectSameBits(weightValues(s.weights), steps[s.step - 1]!));
    // combining: each snapshot's predictions are those of the model with its weights; the model's weights come back
    const own = weightValues(model.getWeights());
    const predictions = snapshotPredictions(model, byEpoch.weightLists, x);
    expectSameBits(weightValues(model.getWeights()), own);
    model.setWeights(byEpoch.snapshots[0]!.weights);
    const direct = model.predict(x) as tf.Tensor;
    expectSameBits([Float32Array.from(predictions[0]!.dataSync())], [Float32Array.from(direct.dataSync())]);
    const evaluation = evaluateEnsemble(predictions, y);
    expect(evaluation.members).toHaveLength(2);
    tf.dispose([direct, ...predictions, x, y]);
    byEpoch.dispose();
    byStep.dispose();
    disposeModel(model);
  });

  it("rejects a cycle length < 1, an unknown unit and a missing model", () => {
    expect(() => snapshotEnsemble({ cycleLength: 0 })).toThrow(/snapshotEnsemble: options.cycleLength = 0, expected an integer >= 1/);
    expect(() => snapshotEnsemble({ cycleLength: 2.5 })).toThrow(/options.cycleLength = 2.5/);
    expect(() => snapshotEnsemble({ cycleLength: 2, unit: "iteration" as never })).toThrow(/options.unit = "iteration", expected one of "step", "epoch"/);
    expect(() => snapshotEnsemble({ cycleLength: 2, keepLast: 0 })).toThrow(/options.keepLast = 0/);
    expect(() => snapshotEnsemble({ cycleLength: 2 }).onTrainBegin()).toThrow(/no model/);
    const model = mlp(1);
    const x = tf.ones([2, 4]);
    expect(() => snapshotPredictions(model, [[x]], x)).toThrow(/weightLists\[0\] = "1 tensors", expected 4 live tensors/);
    expect(() => snapshotPredictions(model, [], x)).toThrow(/non-empty array/);
    x.dispose();
    model.dispose();
  });
});

describe("weightEma", () => {
  it("keeps θ̄ ← δθ̄ + (1 − δ)θ after every step from startStep, and θ̄ = θ before", async () => {
    const { x, y } = blobs(3);
    const model = mlp(7);
    model.compile({ optimizer: tf.train.sgd(0.2), loss: "categoricalCrossentropy" });
    const start = weightValues(model.getWeights());
    const ema = weightEma({ decay: 0.8, startStep: 3, model });
    const steps: Float32Array[][] = [];
    await fit(model, x, y, { epochs: 1, batchSize: 10, seed: 2, callbacks: [{ onBatchEnd: () => void steps.push(weightValues(model.getWeights())) }, ema] });
    expect(steps).toHaveLength(6);
    let expected = start.map((w) => Float64Array.from(w));
    steps.forEach((weights, t) => {
      const step = t + 1;
      expected = step < 3 ? weights.map((w) => Float64Array.from(w)) : expected.map((a, i) => a.map((v, j) => 0.8 * v + 0.2 * weights[i]![j]!));
    });
    expect(ema.updates).toBe(4);
    weightValues(ema.averagedWeights!).forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 5)));
    const target = mlp(8);
    ema.copyTo(target);
    expectSameBits(weightValues(target.getWeights()), weightValues(ema.averagedWeights!));
    const before = tf.memory().numTensors;
    ema.dispose();
    expect(tf.memory().numTensors).toBe(before - 4);
    expect(() => weightEma({ decay: 1 })).toThrow(/weightEma: options.decay = 1, expected a number in \[0, 1\)/);
    expect(() => weightEma({ every: 0 })).toThrow(/options.every = 0/);
    tf.dispose([x, y]);
    target.dispose();
    disposeModel(model);
  });

  it("works as a tfjs model.fit callback", async () => {
    const { x, y } = blobs(3);
    const model = mlp(7);
    model.compile({ optimizer: tf.train.sgd(0.2), loss: "categoricalCrossentropy" });
    const ema = weightEma({ decay: 0 });
    await model.fit(x, y, { epochs: 1, batchSize: 30, verbose: 0, callbacks: ema.asTfjsCallback() });
    // δ = 0: the average is the last step's weights
    expectSameBits(weightValues(ema.averagedWeights!), weightValues(model.getWeights()));
    ema.dispose();
    tf.dispose([x, y]);
    disposeModel(model);
  });
});

describe("freezeLayers", () => {
  function threeLayers(): tf.LayersModel {
    return tf.sequential({
      layers: [
        tf.layers.dense({ name: "h1", inputShape: [4], units: 5, activation: "relu", kernelInitializer: glorotUniform({ seed: 1 }) }),
        tf.layers.dense({ name: "h2", units: 5, activation: "relu", kernelInitializer: glorotUniform({ seed: 2 }) }),
        tf.layers.dense({ name: "head", units: 3, activation: "softmax", kernelInitializer: glorotUniform({ seed: 3 }) }),
      ],
    });
  }

  function layerValues(model: tf.LayersModel, name: string): Float32Array[] {
    return weightValues(model.getLayer(name).getWeights());
  }

  function changed(a: Float32Array[], b: Float32Array[]): boolean {
    return a.some((values, i) => !Buffer.from(values.buffer).equals(Buffer.from(b[i]!.buffer)));
  }

  it("freezing really freezes: frozen layers' weights are unchanged after fit, the others train", async () => {
    const { x, y } = blobs(4);
    const model = threeLayers();
    expect(freezeLayers(model, ["h1"])).toEqual(["h1"]);
    model.compile({ optimizer: tf.train.sgd(0.5), loss: "categoricalCrossentropy" });
    const [h1, h2, head] = ["h1", "h2", "head"].map((n) => layerValues(model, n));
    await fit(model, x, y, { epochs: 3, batchSize: 10, seed: 1 });
    expectSameBits(layerValues(model, "h1"), h1!);
    expect(changed(layerValues(model, "h2"), h2!)).toBe(true);
    expect(changed(layerValues(model, "head"), head!)).toBe(true);
    disposeModel(model);
    // by count: the first two layers
    const counted = threeLayers();
    expect(freezeLayers(counted, 2)).toEqual(["h1", "h2"]);
    counted.compile({ optimizer: tf.train.sgd(0.5), loss: "categoricalCrossentropy" });
    const frozen = [...layerValues(counted, "h1"), ...layerValues(counted, "h2")];
    await fit(counted, x, y, { epochs: 2, batchSize: 10, seed: 1 });
    expectSameBits([...layerValues(counted, "h1"), ...layerValues(counted, "h2")], frozen);
    disposeModel(counted);
    tf.dispose([x, y]);
  });

  it("freezing works at once on a compiled model; unfreezing needs model.compile again", async () => {
    const { x, y } = blobs(4);
    const model = threeLayers();
    const optimizer = tf.train.sgd(0.5);
    model.compile({ optimizer, loss: "categoricalCrossentropy" });
    freezeLayers(model, ["h1"]);
    const h1 = layerValues(model, "h1");
    await fit(model, x, y, { epochs: 1, batchSize: 10, seed: 1 });
    expectSameBits(layerValues(model, "h1"), h1); // tf.variableGrads skips the now non-trainable variables
    model.compile({ optimizer, loss: "categoricalCrossentropy" }); // compiled while h1 is frozen
    expect(unfreezeLayers(model, 1)).toEqual(["h1"]);
    await fit(model, x, y, { epochs: 1, batchSize: 10, seed: 1 });
    expectSameBits(layerValues(model, "h1"), h1); // not in the list compiled above
    model.compile({ optimizer, loss: "categoricalCrossentropy" });
    await fit(model, x, y, { epochs: 1, batchSize: 10, seed: 1 });
    expect(changed(layerValues(model, "h1"), h1)).toBe(true);
    tf.dispose([x, y]);
    disposeModel(model);
  });

  it("does not freeze batch-norm running statistics (documented limitation)", async () => {
    const { x, y } = blobs(4);
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ name: "d", inputShape: [4], units: 3, kernelInitializer: glorotUniform({ seed: 1 }) }),
        tf.layers.batchNormalization({ name: "bn" }),
        tf.layers.dense({ name: "head", units: 3, activation: "softmax", kernelInitializer: glorotUniform({ seed: 2 }) }),
      ],
    });
    freezeLayers(model, ["bn"]);
    model.compile({ optimizer: tf.train.sgd(0.1), loss: "categoricalCrossentropy" });
    const [gamma, beta, mean] = layerValues(model, "bn");
    await fit(model, x, y, { epochs: 1, batchSize: 20, seed: 1 });
    const after = layerValues(model, "bn");
    expectSameBits([after[0]!, after[1]!], [gamma!, beta!]);
    expect(changed([after[2]!], [mean!])).toBe(true);
    tf.dispose([x, y]);
    disposeModel(model);
  });

  it("rejects unknown names and counts out of range", () => {
    const model = threeLayers();
    expect(() => freezeLayers(model, ["h3"])).toThrow(/freezeLayers: which = "h3", expected a layer name of the model: one of \["h1", "h2", "head"\]/);
    expect(() => freezeLayers(model, 4)).toThrow(/which = 4, expected an integer in \[0, 3\]/);
    expect(() => freezeLayers(model, -1)).toThrow(/which = -1/);
    model.dispose();
  });
});

describe("seed ensembles and bagging", () => {
  let data: { x: tf.Tensor2D; y: tf.Tensor2D; labels: number[] };
  let test: { x: tf.Tensor2D; y: tf.Tensor2D; labels: number[] };

  beforeAll(() => {
    data = blobs(10, 30);
    test = blobs(11, 20);
  });

  afterAll(() => {
    tf.dispose([data.x, data.y, test.x, test.y]);
  });

  function options(overrides: Partial<EnsembleTrainingOptions> = {}): EnsembleTrainingOptions {
    return {
      createModel: (seed) => mlp(seed, 8),
      compile: { optimizer: { className: "SGD", config: { learningRate: 0.2 } }, loss: "categoricalCrossentropy", metrics: ["accuracy"] },
      x: data.x,
      y: data.y,
      members: 3,
      fit: { epochs: 3, batchSize: 16, validationData: [test.x, test.y] },
      seed: 42,
      ...overrides,
    };
  }

  function weightsOf(ensemble: TrainedEnsemble): Float32Array[][] {
    return ensemble.members.map((m) => weightValues(m.getWeights()));
  }

  it("a seed ensemble's members differ only by their seeds, and the same seed gives the same ensemble", async () => {
    const seen: number[] = [];
    const first = await trainSeedEnsemble(options({ createModel: (seed) => (seen.push(seed), mlp(seed, 8)) }));
    const second = await trainSeedEnsemble(options());
    expect(first.ranOn).toBe("this thread");
    expect(first.samples).toBeNull();
    expect(seen).toEqual(first.seeds.map((s) => s.initSeed));
    expect(new Set(first.seeds.map((s) => s.initSeed)).size).toBe(3);
    expect(new Set(first.seeds.map((s) => s.shuffleSeed)).size).toBe(3);
    weightsOf(first).forEach((w, m) => expectSameBits(w, weightsOf(second)[m]!));
    expect(first.histories[0]!.epochs).toHaveLength(3);
    expect(first.histories[0]!.epochs[2]!["val_acc"]).toBeGreaterThan(0.34);
    // the members are usable: predictions, combination, diversity
    const predictions = memberPredictions(first.members, test.x);
    const evaluation = evaluateEnsemble(predictions, test.labels);
    expect(evaluation.members).toHaveLength(3);
    expect(pairwiseDisagreement(predictions).mean).toBeGreaterThan(0);
    tf.dispose(predictions);
    first.dispose();
    second.dispose();
  });

  it("vary: 'init' shares the shuffling seed, 'shuffle' shares the initial weights", async () => {
    const initSeeds: number[] = [];
    const byInit = await trainSeedEnsemble({ ...options(), vary: "init" });
    expect(new Set(byInit.seeds.map((s) => s.shuffleSeed)).size).toBe(1);
    expect(new Set(byInit.seeds.map((s) => s.initSeed)).size).toBe(3);
    const byShuffle = await trainSeedEnsemble({ ...options({ createModel: (seed) => (initSeeds.push(seed), mlp(seed, 8)) }), vary: "shuffle" });
    expect(new Set(initSeeds).size).toBe(1);
    expect(new Set(byShuffle.seeds.map((s) => s.shuffleSeed)).size).toBe(3);
    byInit.dispose();
    byShuffle.dispose();
  });

  it("bagging trains each member on its own bootstrap sample", async () => {
    const bagged = await trainBagging(options());
    expect(bagged.samples).toHaveLength(3);
    for (const [m, sample] of bagged.samples!.entries()) {
      expect(sample.indices).toHaveLength(90);
      expect(sample.seed).toBe(bagged.seeds[m]!.sampleSeed);
      expect(Array.from(sample.indices)).toEqual(Array.from(bootstrapSample(90, { seed: sample.seed }).indices));
    }
    // training on a bootstrap sample is training on its rows: the same member trained by hand on the gathered rows
    const sample = bagged.samples![1]!;
    const seeds = bagged.seeds[1]!;
    const model = mlp(seeds.initSeed, 8);
    model.compile({ optimizer: tf.train.sgd(0.2), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
    const rows = tf.tensor1d(sample.indices, "int32");
    const [xs, ys] = [tf.gather(data.x, rows), tf.gather(data.y, rows)];
    await fit(model, xs, ys, { epochs: 3, batchSize: 16, seed: seeds.shuffleSeed });
    expectSameBits(weightValues(model.getWeights()), weightsOf(bagged)[1]!);
    const small = await trainBagging({ ...options({ members: 1 }), sampleSize: 20 });
    expect(small.samples![0]!.indices).toHaveLength(20);
    tf.dispose([rows, xs, ys]);
    disposeModel(model);
    bagged.dispose();
    small.dispose();
  });

  it("on a TrainingPool gives the same members, bit for bit, as in this thread", async () => {
    const pool = new TrainingPool({ workers: 2 });
    pools.push(pool);
    for (const train of [trainSeedEnsemble, trainBagging]) {
      const epochsSeen: number[][] = [[], [], []];
      const here = await train(options());
      const there = await train(options({ pool, onEpochEnd: (member, logs) => epochsSeen[member]!.push(logs.epoch) }));
      expect(there.ranOn).toBe("pool");
      expect(there.seeds).toEqual(here.seeds);
      weightsOf(there).forEach((w, m) => expectSameBits(w, weightsOf(here)[m]!));
      expect(there.histories).toEqual(here.histories);
      expect(epochsSeen).toEqual([
        [1, 2, 3],
        [1, 2, 3],
        [1, 2, 3],
      ]);
      // the rebuilt members predict like the ones trained here
      const [a, b] = [memberPredictions(here.members, test.x), memberPredictions(there.members, test.x)];
      a.forEach((p, m) => expectSameBits([Float32Array.from(p.dataSync())], [Float32Array.from(b[m]!.dataSync())]));
      tf.dispose([...a, ...b]);
      here.dispose();
      there.dispose();
    }
  });

  it("leaves no tensor behind across training many members, in this thread and on a pool", async () => {
    const pool = new TrainingPool({ workers: 2 });
    pools.push(pool);
    const before = tf.memory().numTensors;
    const adam = { optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy"] };
    for (const run of [
      () => trainSeedEnsemble(options({ members: 6, fit: { epochs: 2, batchSize: 16 } })),
      () => trainBagging(options({ members: 6, compile: adam, fit: { epochs: 2, batchSize: 16, validationData: [test.x, test.y] } })),
      () => trainBagging(options({ members: 4, pool, fit: { epochs: 1 } })),
    ]) {
      const ensemble = await run();
      expect(tf.memory().numTensors).toBeGreaterThan(before);
      ensemble.dispose();
      ensemble.dispose(); // harmless twice
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it("rejects k < 1, a compiled or reused model, callbacks with a pool and mismatched data", async () => {
    await expect(trainSeedEnsemble(options({ members: 0 }))).rejects.toThrow(/trainSeedEnsemble: options.members = 0, expected an integer >= 1/);
    await expect(trainBagging(options({ members: -2 }))).rejects.toThrow(/trainBagging: options.members = -2/);
    const compiled = () => {
      const m = mlp(1, 8);
      m.compile({ optimizer: "sgd", loss: "meanSquaredError" });
      return m;
    };
    const before = tf.memory().numTensors;
    await expect(trainSeedEnsemble(options({ createModel: compiled }))).rejects.toThrow(/= "a compiled model", expected an uncompiled model/);
    const shared = mlp(1, 8);
    await expect(trainSeedEnsemble(options({ createModel: () => shared }))).rejects.toThrow(/"the same model as before", expected a new model on every call/);
    expect(tf.memory().numTensors).toBe(before); // the members made before the failure were freed (shared is disposed with them)
    const pool = new TrainingPool({ workers: 1 });
    pools.push(pool);
    await expect(trainSeedEnsemble(options({ pool, fit: { epochs: 1, callbacks: () => [] } }))).rejects.toThrow(/no callbacks with a pool/);
    const y = tf.zeros([10, 3]);
    await expect(trainSeedEnsemble(options({ y }))).rejects.toThrow(/options.y.shape\[0\] = 10, expected 90/);
    await expect(trainSeedEnsemble(options({ compile: { optimizer: "nesterov", loss: "categoricalCrossentropy" } }))).rejects.toThrow(
      /options.compile.optimizer = "nesterov"/,
    );
    await expect(trainBagging({ ...options(), sampleSize: 0 })).rejects.toThrow(/options.sampleSize = 0/);
    y.dispose();
  });
});
