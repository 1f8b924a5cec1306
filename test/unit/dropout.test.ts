/**
 * The dropout family (kernel-lib/src/regularizers/dropout): inverted, standard and Gaussian dropout layers and
 * functions, Monte Carlo dropout at prediction, DropConnect with its Gaussian moment-matching inference.
 *
 * Tolerances come from the sample sizes and are stated at each check. A fraction of n independent Bernoulli(q) draws
 * has standard error √(q(1 − q)/n); a mean of T draws with standard deviation s has standard error s/√T; a sample
 * variance of K draws has standard error ≈ σ²√(2/(K − 1)) (exact for Gaussian draws; the Bernoulli sums tested here
 * have negative or tiny excess kurtosis, so the bound is conservative). We allow 5 standard errors per check (a
 * correct implementation fails a single check with probability < 1e-6; the seeds are fixed, so every outcome is
 * deterministic anyway). float32 rounding (~1e-7 relative) is far below these tolerances.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  bernoulliMask,
  DropConnectDense,
  dropConnectDenseLayer,
  dropConnectMoments,
  GaussianDropout,
  gaussianDropout,
  gaussianDropoutLayer,
  gaussianDropoutStd,
  InvertedDropout,
  invertedDropout,
  invertedDropoutLayer,
  maskedDense,
  mcDropoutPredict,
  monteCarloLayers,
  resolveKeepProb,
  StandardDropout,
  standardDropout,
  standardDropoutLayer,
} from "../../kernel-lib/src/regularizers/dropout";
import { BatchNorm } from "../../kernel-lib/src/normalizers";
import { gradientCheck } from "../../kernel-lib/src/probes";
import { initBackend, Rng, seed, tf } from "../../kernel-lib/src/index";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

/** Runs `f`, checks that it left no tensor behind, returns its result. */
function noLeak<T>(f: () => T): T {
  const before = tf.memory().numTensors;
  const result = f();
  const made = result instanceof tf.Tensor ? 1 : 0;
  expect(tf.memory().numTensors - made).toBe(before);
  return result;
}

/** The values of `layer.apply(x, kwargs)`, the output freed. */
function values(layer: tf.layers.Layer, x: tf.Tensor, kwargs: { training?: boolean } = { training: true }): Float32Array {
  const out = layer.apply(x, kwargs) as tf.Tensor;
  const v = out.dataSync() as Float32Array;
  out.dispose();
  return v;
}

function take(t: tf.Tensor): Float32Array {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

describe("keepProb / dropRate", () => {
  it("takes exactly one of them and stores keepProb = 1 − dropRate", () => {
    expect(resolveKeepProb("f", { keepProb: 0.8 })).toBe(0.8);
    expect(resolveKeepProb("f", { dropRate: 0.25 })).toBe(0.75);
    const layer = invertedDropoutLayer({ dropRate: 0.25, seed: 1 });
    expect([layer.keepProb, layer.dropRate]).toEqual([0.75, 0.25]);
    expect(standardDropoutLayer({ keepProb: 1, seed: 1 }).dropRate).toBe(0);
  });

  it("rejects keep outside (0, 1], drop outside [0, 1), both or neither, naming the function and the argument", () => {
    for (const bad of [0, -0.1, 1.5, Number.NaN]) {
      expect(() => invertedDropoutLayer({ keepProb: bad })).toThrow(/InvertedDropout: args\.keepProb = .*, expected a number in \(0, 1\]/);
    }
    expect(() => standardDropoutLayer({ dropRate: 1 })).toThrow(/StandardDropout: args\.dropRate = 1, expected a number in \[0, 1\)/);
    expect(() => gaussianDropoutLayer({ dropRate: -0.2 })).toThrow(/GaussianDropout: args\.dropRate = -0\.2/);
    // Both given is an error even when they agree: a reader should never have to guess which one wins.
    expect(() => invertedDropoutLayer({ keepProb: 0.8, dropRate: 0.2 })).toThrow(
      /InvertedDropout: args\.keepProb = 0\.8 and args\.dropRate = 0\.2 were both given/,
    );
    expect(() => invertedDropoutLayer({})).toThrow(
      /InvertedDropout: args\.keepProb = undefined, expected exactly one of keepProb in \(0, 1\] or dropRate in \[0, 1\)/,
    );
    expect(() => dropConnectDenseLayer({ units: 3, keepProb: 0 })).toThrow(/DropConnectDense: args\.keepProb = 0/);
    expect(() => dropConnectDenseLayer({ units: 3, keepProb: 0.5, dropRate: 0.5 })).toThrow(/both given/);
    const x = tf.ones([2, 3]);
    expect(() => invertedDropout(x, { keepProb: 1.01, seed: 1 })).toThrow(/invertedDropout: options\.keepProb = 1\.01/);
    expect(() => standardDropout(x, { dropRate: 0.1, keepProb: 0.9 })).toThrow(
      /standardDropout: options\.keepProb = 0\.9 and options\.dropRate = 0\.1 were both given/,
    );
    expect(() => bernoulliMask([2], 0, 1)).toThrow(/bernoulliMask: keepProb = 0/);
    x.dispose();
  });

  it("rejects other bad arguments with clear errors", () => {
    expect(() => invertedDropoutLayer({ keepProb: 0.5, seed: 1.5 })).toThrow(/InvertedDropout: args\.seed = 1\.5, expected an integer/);
    expect(() => invertedDropoutLayer({ keepProb: 0.5, noiseShape: [null, 0] })).toThrow(/args\.noiseShape = \[null, 0\]/);
    const x = tf.ones([2, 3, 4]);
    const ints = tf.tensor1d([1, 2], "int32");
    expect(() => invertedDropoutLayer({ keepProb: 0.5, noiseShape: [null, 1] }).apply(x, { training: true })).toThrow(
      /noiseShape = \[null, 1\], expected one entry per axis of the input of shape \[2, 3, 4\]/,
    );
    expect(() => invertedDropoutLayer({ keepProb: 0.5, noiseShape: [null, 2, 1] }).apply(x, { training: true })).toThrow(
      /noiseShape\[1\] = 2, expected 1, null or the input's size 3/,
    );
    expect(() => gaussianDropoutLayer({ keepProb: 0.5 }).apply(ints, { training: true })).toThrow(/GaussianDropout\.call: inputs\.dtype = "int32"/);
    expect(() => invertedDropout(ints, { keepProb: 0.5 })).toThrow(/invertedDropout: x\.dtype = "int32"/);
    expect(() => dropConnectDenseLayer({ units: 0, keepProb: 0.5 })).toThrow(/DropConnectDense: args\.units = 0, expected an integer >= 1/);
    expect(() => dropConnectDenseLayer({ units: 2, keepProb: 0.5, maskPer: "layer" as never })).toThrow(
      /args\.maskPer = "layer", expected one of "batch", "example"/,
    );
    expect(() => dropConnectDenseLayer({ units: 2, keepProb: 0.5, inference: "exact" as never })).toThrow(
      /args\.inference = "exact", expected one of "gaussian", "mean"/,
    );
    expect(() => dropConnectDenseLayer({ units: 2, keepProb: 0.5, activation: "nope" as never })).toThrow(
      /DropConnectDense: args\.activation = "nope", expected a tfjs activation name/,
    );
    expect(() => dropConnectDenseLayer({ units: 2, keepProb: 0.5, inferenceSamples: 0 })).toThrow(/args\.inferenceSamples = 0/);
    expect(() => dropConnectDenseLayer({ units: 2, keepProb: 0.5 }).apply(x)).toThrow(/DropConnectDense\.build: inputShape = \[2, 3, 4\], expected rank 2/);
    tf.dispose([x, ints]);
  });
});

describe("tfjs's Dropout with a fixed seed (why kernel-lib has its own layers)", () => {
  it("repeats the same mask at every training call, while InvertedDropout draws a fresh one", () => {
    const x = tf.ones([4, 64]);
    const tfjs = tf.layers.dropout({ rate: 0.5, seed: 7 });
    expect(Array.from(values(tfjs, x))).toEqual(Array.from(values(tfjs, x)));
    const ours = invertedDropoutLayer({ keepProb: 0.5, seed: 7 });
    expect(Array.from(values(ours, x))).not.toEqual(Array.from(values(ours, x)));
    x.dispose();
  });
});

describe("Bernoulli dropout in training: fraction dropped and expectation", () => {
  // n = 100,000 units per call: the fraction dropped has standard error √(q(1 − q)/n) ≤ 0.0016; 5 SE allowed.
  const n = 100_000;
  for (const keepProb of [0.5, 0.8, 0.9]) {
    it(`drops a fraction 1 − keepProb = ${(1 - keepProb).toFixed(1)} of units within 5·√(q(1−q)/n), n = ${n}; kept units are 1/keep (inverted) or 1 (standard)`, () => {
      const x = tf.ones([200, 500]);
      for (const [layer, keptValue] of [
        [invertedDropoutLayer({ keepProb, seed: 3 }), Math.fround(1 / Math.fround(keepProb))],
        [standardDropoutLayer({ keepProb, seed: 3 }), 1],
      ] as const) {
        const y = noLeak(() => values(layer, x));
        let dropped = 0;
        let otherValues = 0;
        for (const v of y) {
          if (v === 0) dropped++;
          else if (v !== keptValue) otherValues++;
        }
        expect(otherValues).toBe(0);
        const q = 1 - keepProb;
        expect(Math.abs(dropped / n - q)).toBeLessThan(5 * Math.sqrt((q * (1 - q)) / n));
      }
      x.dispose();
    });
  }

  it("preserves the expectation for inverted dropout (E[ỹ] = x) and gives keep·x for standard dropout, over T = 2,000 steps", () => {
    // Per element, ỹ/x has standard deviation √((1 − keep)/keep) (inverted) or √(keep(1 − keep)) (standard); the mean
    // over T steps has standard error s·|x|/√T. Each of the 24 elements must lie within 5 SE.
    const keepProb = 0.8;
    const T = 2000;
    const x = tf.tensor2d([Array.from({ length: 12 }, (_, i) => (i - 5.5) / 2), Array.from({ length: 12 }, (_, i) => 1 + i / 4)]);
    const xs = x.dataSync();
    for (const [layer, expected, sd] of [
      [invertedDropoutLayer({ keepProb, seed: 21 }), 1, Math.sqrt((1 - keepProb) / keepProb)],
      [standardDropoutLayer({ keepProb, seed: 21 }), keepProb, Math.sqrt(keepProb * (1 - keepProb))],
      [gaussianDropoutLayer({ keepProb, seed: 21 }), 1, Math.sqrt((1 - keepProb) / keepProb)],
    ] as const) {
      const sum = new Float64Array(xs.length);
      const before = tf.memory().numTensors;
      for (let t = 0; t < T; t++) values(layer, x).forEach((v, i) => (sum[i] += v));
      expect(tf.memory().numTensors).toBe(before);
      for (let i = 0; i < xs.length; i++) {
        const tolerance = (5 * sd * Math.abs(xs[i]!)) / Math.sqrt(T);
        expect(Math.abs(sum[i]! / T - expected * xs[i]!)).toBeLessThanOrEqual(tolerance);
      }
      // Inference is deterministic and equals that expectation exactly: x (inverted, Gaussian) or keep·x (standard).
      const inference = noLeak(() => values(layer, x, {}));
      expect(Array.from(inference)).toEqual(Array.from(values(layer, x, { training: false })));
      expect(Array.from(inference)).toEqual(Array.from(xs, (v) => (expected === 1 ? v : Math.fround(v * Math.fround(keepProb)))));
    }
    x.dispose();
  });

  it("Gaussian dropout's factor has mean 1 and variance (1 − keep)/keep (n = 100,000; 5 SE: σ/√n and σ²√(2/n))", () => {
    const keepProb = 0.6;
    const sigma = gaussianDropoutStd(keepProb);
    expect(sigma).toBeCloseTo(Math.sqrt(0.4 / 0.6), 12);
    const x = tf.ones([100, 1000]);
    const m = noLeak(() => values(gaussianDropoutLayer({ keepProb, seed: 5 }), x));
    let sum = 0;
    let sq = 0;
    for (const v of m) sum += v;
    const mean = sum / m.length;
    for (const v of m) sq += (v - mean) ** 2;
    const variance = sq / (m.length - 1);
    expect(Math.abs(mean - 1)).toBeLessThan((5 * sigma) / Math.sqrt(m.length));
    expect(Math.abs(variance - sigma ** 2)).toBeLessThan(5 * sigma ** 2 * Math.sqrt(2 / m.length));
    x.dispose();
  });

  it("keepProb = 1 is the identity in training and at inference", () => {
    const x = tf.tensor2d([[1, -2, 3]]);
    for (const layer of [invertedDropoutLayer({ keepProb: 1 }), standardDropoutLayer({ keepProb: 1 }), gaussianDropoutLayer({ keepProb: 1 })]) {
      expect(Array.from(values(layer, x))).toEqual([1, -2, 3]);
      expect(Array.from(values(layer, x, {}))).toEqual([1, -2, 3]);
    }
    x.dispose();
  });
});

describe("fresh masks from a seeded stream", () => {
  it("draws a different mask at every call, the same sequence for the same seed, and restarts with resetNoise", () => {
    const x = tf.ones([8, 16]);
    for (const make of [
      (s: number) => invertedDropoutLayer({ keepProb: 0.5, seed: s }),
      (s: number) => standardDropoutLayer({ keepProb: 0.5, seed: s }),
      (s: number) => gaussianDropoutLayer({ keepProb: 0.5, seed: s }),
    ]) {
      const a = make(42);
      const [a1, a2, a3] = [values(a, x), values(a, x), values(a, x)].map((v) => Array.from(v));
      expect(a1).not.toEqual(a2);
      expect(a2).not.toEqual(a3);
      const b = make(42);
      expect([values(b, x), values(b, x), values(b, x)].map((v) => Array.from(v))).toEqual([a1, a2, a3]);
      expect(Array.from(values(make(43), x))).not.toEqual(a1);
      a.resetNoise();
      expect(Array.from(values(a, x))).toEqual(a1);
    }
    x.dispose();
  });

  it("takes its seed from the global stream when none is given (seed(n) makes it reproducible)", () => {
    seed(11);
    const first = [invertedDropoutLayer({ keepProb: 0.5 }).seed, dropConnectDenseLayer({ units: 2, keepProb: 0.5 }).seed];
    seed(11);
    expect([invertedDropoutLayer({ keepProb: 0.5 }).seed, dropConnectDenseLayer({ units: 2, keepProb: 0.5 }).seed]).toEqual(first);
  });

  it("draws a fresh mask at every model.fit step (two steps on the same example move different weights)", async () => {
    // With an input of ones and a zero-initialized linear output, the kernel's gradient row i is nonzero only where
    // unit i was kept: after one step exactly the kept rows moved. Fresh masks move different rows at step 2.
    const model = tf.sequential({
      layers: [
        invertedDropoutLayer({ keepProb: 0.5, seed: 9, inputShape: [40], name: "fit_drop" }),
        tf.layers.dense({ units: 1, kernelInitializer: "zeros", useBias: false, name: "fit_out" }),
      ],
    });
    const optimizer = tf.train.sgd(0.1);
    model.compile({ optimizer, loss: "meanSquaredError" });
    const x = tf.ones([1, 40]);
    const y = tf.ones([1, 1]);
    const moved = (before: Float32Array, after: Float32Array) => Array.from(after, (v, i) => v !== before[i]);
    const before = tf.memory().numTensors;
    const w0 = model.getWeights()[0]!.dataSync().slice() as Float32Array;
    await model.fit(x, y, { epochs: 1, batchSize: 1, verbose: 0, shuffle: false });
    const w1 = model.getWeights()[0]!.dataSync().slice() as Float32Array;
    await model.fit(x, y, { epochs: 1, batchSize: 1, verbose: 0, shuffle: false });
    const w2 = model.getWeights()[0]!.dataSync().slice() as Float32Array;
    expect(tf.memory().numTensors).toBe(before);
    const step1 = moved(w0, w1);
    const step2 = moved(w1, w2);
    expect(step1.filter(Boolean).length).toBeGreaterThan(5);
    expect(step2).not.toEqual(step1);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });
});

describe("noise shape (channel-wise dropout)", () => {
  it("with noiseShape [null, 1, 1, null] drops whole feature maps of an [N, H, W, C] input", () => {
    const x = tf.ones([6, 5, 5, 8]);
    const layer = invertedDropoutLayer({ keepProb: 0.5, seed: 4, noiseShape: [null, 1, 1, null] });
    const y = noLeak(() => layer.apply(x, { training: true }) as tf.Tensor);
    const maps = tf.tidy(() => tf.transpose(y, [0, 3, 1, 2]).reshape([48, 25]).arraySync() as number[][]);
    let droppedMaps = 0;
    for (const map of maps) {
      expect(new Set(map).size).toBe(1); // one mask entry per (example, channel)
      expect([0, 2]).toContain(map[0]);
      if (map[0] === 0) droppedMaps++;
    }
    expect(droppedMaps).toBeGreaterThan(0);
    expect(droppedMaps).toBeLessThan(48);
    tf.dispose([x, y]);
  });
});

describe("gradients", () => {
  it("flow through inverted dropout as mask/keepProb (numerical gradient check, relative error < 1e-3)", () => {
    const x = tf.tensor2d([
      [0.3, -1.2, 2.0, 0.7],
      [-0.4, 0.9, -1.5, 1.1],
    ]);
    const weights = tf.tensor2d([
      [1.5, -0.5, 2.0, 0.25],
      [-1.0, 0.75, 0.5, -2.0],
    ]);
    // A smooth function of the dropped-out input; a fixed seed gives the same mask at every evaluation.
    const f = (input: tf.Tensor) => tf.sum(tf.tanh(tf.mul(invertedDropout(input, { keepProb: 0.6, seed: 13 }), weights))) as tf.Scalar;
    const analytic = noLeak(() => tf.grad(f)(x));
    const check = gradientCheck(f, analytic, x);
    expect(check.relativeError).toBeLessThan(1e-3);
    // Dropped units get a zero gradient.
    const mask = take(bernoulliMask([2, 4], 0.6, 13));
    analytic.dataSync().forEach((g, i) => (mask[i] === 0 ? expect(Math.abs(g)).toBe(0) : expect(g).not.toBe(0)));
    tf.dispose([x, weights, analytic]);
  });

  it("flow through DropConnect's masked product to the kernel and the input (numerical gradient check, relative error < 1e-3)", () => {
    const v = tf.tensor2d([
      [0.5, -1.0, 0.25],
      [1.5, 0.3, -0.7],
    ]) as tf.Tensor2D;
    const kernel = tf.tensor2d([
      [0.4, -0.9],
      [1.1, 0.2],
      [-0.6, 0.8],
    ]) as tf.Tensor2D;
    const bias = tf.tensor1d([0.1, -0.2]) as tf.Tensor1D;
    for (const mask of [bernoulliMask([3, 2], 0.5, 8), bernoulliMask([2, 3, 2], 0.5, 8)]) {
      const ofKernel = (w: tf.Tensor) => tf.sum(tf.tanh(maskedDense(v, w as tf.Tensor2D, bias, mask))) as tf.Scalar;
      const ofInput = (input: tf.Tensor) => tf.sum(tf.tanh(maskedDense(input as tf.Tensor2D, kernel, bias, mask))) as tf.Scalar;
      const gKernel = tf.grad(ofKernel)(kernel);
      const gInput = tf.grad(ofInput)(v);
      expect(gradientCheck(ofKernel, gKernel, kernel).relativeError).toBeLessThan(1e-3);
      expect(gradientCheck(ofInput, gInput, v).relativeError).toBeLessThan(1e-3);
      if (mask.rank === 2) {
        // A dropped connection gets no gradient (per-batch mask: the whole batch used the same sub-network).
        const m = mask.dataSync();
        gKernel.dataSync().forEach((g, i) => (m[i] === 0 ? expect(Math.abs(g)).toBe(0) : expect(g).not.toBe(0)));
      }
      tf.dispose([mask, gKernel, gInput]);
    }
    tf.dispose([v, kernel, bias]);
  });
});

/** A DropConnectDense layer on d inputs with N(0, 1/d) weights and bias 0.1, built. */
function dropConnectLayer(args: Partial<ConstructorParameters<typeof DropConnectDense>[0]>, d: number): DropConnectDense {
  const layer = dropConnectDenseLayer({
    units: 6,
    keepProb: 0.5,
    seed: 5,
    kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 1 / Math.sqrt(d), seed: 3 }),
    biasInitializer: tf.initializers.constant({ value: 0.1 }),
    ...args,
  });
  layer.build([null, d]);
  return layer;
}

describe("DropConnectDense", () => {
  it("masks the weights in training: one mask per batch by default, one per example with maskPer: 'example'", () => {
    // Identical input rows: with a per-batch mask every row of the output is the same; per example they differ.
    const x = tf.tidy(() => tf.tile(tf.randomNormal([1, 20], 0, 1, "float32", 2), [4, 1]));
    const rows = (layer: DropConnectDense) => tf.tidy(() => (layer.apply(x, { training: true }) as tf.Tensor).arraySync() as number[][]);
    const [batchLayer, exampleLayer] = [dropConnectLayer({}, 20), dropConnectLayer({ maskPer: "example" }, 20)];
    const perBatch = noLeak(() => rows(batchLayer));
    for (const row of perBatch) expect(row).toEqual(perBatch[0]);
    const perExample = noLeak(() => rows(exampleLayer));
    expect(perExample[1]).not.toEqual(perExample[0]);
    // The training output is f(v (M ∘ W) + b) with M from the layer's stream: the first draw is Rng(seed).nextSeed().
    const layer = dropConnectLayer({ activation: "tanh", seed: 77 }, 20);
    const mask = bernoulliMask([20, 6], 0.5, new Rng(77).nextSeed());
    const expected = take(tf.tidy(() => tf.tanh(maskedDense(x as tf.Tensor2D, layer.kernel!.read() as tf.Tensor2D, layer.bias!.read() as tf.Tensor1D, mask))));
    expect(Array.from(values(layer, x))).toEqual(Array.from(expected));
    tf.dispose([x, mask]);
  });

  it("drops a fraction 1 − keepProb of the connections (one-hot inputs read the mask out; 5 SE for n = 6,400)", () => {
    // v = e_i gives output row i = M_i ∘ W_i with a linear activation and no bias: the mask's row i times the weights.
    const d = 80;
    const layer = dropConnectLayer({ keepProb: 0.7, units: 80, useBias: false, seed: 12 }, d);
    const eye = tf.eye(d);
    const out = noLeak(() => values(layer, eye));
    const w = layer.kernel!.read().dataSync();
    let dropped = 0;
    out.forEach((v, i) => {
      if (v === 0) dropped++;
      else expect(v).toBe(w[i]);
    });
    const n = d * 80;
    expect(Math.abs(dropped / n - 0.3)).toBeLessThan(5 * Math.sqrt((0.3 * 0.7) / n));
    eye.dispose();
  });

  it("has the exact moments of lecture 002: E[z] = p·Wv + b and Var[z] = p(1 − p)(W∘W)(v∘v), checked against K = 4,000 masked passes", () => {
    // Linear activation, so the output is z. Over K passes the sample mean has SE √(Var/K) and the sample variance
    // SE ≈ Var·√(2/(K − 1)); 5 SE allowed per element (24 elements).
    const d = 30;
    const K = 4000;
    const layer = dropConnectLayer({ seed: 31 }, d);
    const v = tf.randomNormal([4, d], 0, 1, "float32", 6) as tf.Tensor2D;
    const { mean, variance } = dropConnectMoments(v, layer.kernel!.read() as tf.Tensor2D, layer.bias!.read() as tf.Tensor1D, 0.5);
    const [m, s2] = [take(mean), take(variance)];
    const sum = new Float64Array(m.length);
    const sq = new Float64Array(m.length);
    const before = tf.memory().numTensors;
    for (let k = 0; k < K; k++) {
      values(layer, v).forEach((z, i) => {
        sum[i] += z;
        sq[i] += z * z;
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < m.length; i++) {
      const mcMean = sum[i]! / K;
      const mcVar = (sq[i]! - K * mcMean * mcMean) / (K - 1);
      expect(Math.abs(mcMean - m[i]!)).toBeLessThan(5 * Math.sqrt(s2[i]! / K));
      expect(Math.abs(mcVar - s2[i]!)).toBeLessThan(5 * s2[i]! * Math.sqrt(2 / (K - 1)));
    }
    // With a linear activation the Gaussian inference returns the mean itself.
    expect(Array.from(values(layer, v, {}))).toEqual(Array.from(m));
    v.dispose();
  });

  for (const activation of ["relu", "tanh", "sigmoid"] as const) {
    it(`Gaussian inference matches Monte Carlo averaging of masked passes (${activation}, K = 4,000 each, 5 combined SE)${activation === "relu" ? "; mean-only inference does not" : ""}`, () => {
      // Both estimates of E[f(z)] average K = 4,000 draws with about the same spread s, so their difference has
      // standard error ≈ s·√(2/K). The Gaussian approximation itself (a sum of d = 100 masked terms) errs by far less
      // than that here (measured: at most 2.6 SE over the 24 elements). f(E[z]) ignores the variance: its gap to
      // E[f(z)] is a bias that does not shrink with K: for ReLU it is many SE (measured 31), for tanh and sigmoid smaller
      // (measured 14 and 5.7 SE), so only ReLU's is asserted.
      const d = 100;
      const K = 4000;
      const layer = dropConnectLayer({ activation, inferenceSamples: K }, d);
      const meanOnly = dropConnectLayer({ activation, inference: "mean" }, d);
      meanOnly.setWeights(layer.getWeights());
      const x = tf.randomNormal([4, d], 0, 1, "float32", 9);
      const gaussian = noLeak(() => values(layer, x, {}));
      expect(Array.from(values(layer, x, {}))).toEqual(Array.from(gaussian)); // deterministic
      const mean = values(meanOnly, x, {});
      const sum = new Float64Array(gaussian.length);
      const sq = new Float64Array(gaussian.length);
      for (let k = 0; k < K; k++) {
        values(layer, x).forEach((y, i) => {
          sum[i] += y;
          sq[i] += y * y;
        });
      }
      let worstMeanOnly = 0;
      for (let i = 0; i < gaussian.length; i++) {
        const mc = sum[i]! / K;
        const se = Math.sqrt(((sq[i]! / K - mc * mc) * 2) / K);
        expect(Math.abs(gaussian[i]! - mc)).toBeLessThan(5 * se);
        worstMeanOnly = Math.max(worstMeanOnly, Math.abs(mean[i]! - mc) / se);
      }
      if (activation === "relu") expect(worstMeanOnly).toBeGreaterThan(10);
      x.dispose();
    });
  }

  it("mean-only inference is f(keepProb·vW + b) exactly", () => {
    const layer = dropConnectLayer({ activation: "relu", inference: "mean", keepProb: 0.8 }, 5);
    const x = tf.tensor2d([[1, -1, 0.5, 2, -0.3]]);
    const expected = take(tf.tidy(() => tf.relu(tf.add(tf.mul(tf.matMul(x, layer.kernel!.read()), 0.8), layer.bias!.read()))));
    expect(Array.from(noLeak(() => values(layer, x, {})))).toEqual(Array.from(expected));
    x.dispose();
  });

  it("trains inside model.fit without leaking tensors", async () => {
    seed(1);
    const model = tf.sequential({
      layers: [
        dropConnectDenseLayer({ units: 8, keepProb: 0.5, activation: "relu", inputShape: [4], name: "dc_hidden" }),
        tf.layers.dense({ units: 1, name: "dc_out" }),
      ],
    });
    const optimizer = tf.train.sgd(0.05); // no slot variables, so every tensor left after fit would be a leak
    model.compile({ optimizer, loss: "meanSquaredError" });
    const x = tf.randomNormal([32, 4], 0, 1, "float32", 1);
    const y = tf.tidy(() => tf.sum(x, 1, true));
    const before = tf.memory().numTensors;
    const history = await model.fit(x, y, { epochs: 30, batchSize: 8, verbose: 0, shuffle: false });
    expect(tf.memory().numTensors).toBe(before);
    const losses = history.history["loss"] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });
});

describe("serialization", () => {
  it("saves and loads a model with every layer (config, weights, inference output, training masks from the seed)", async () => {
    const build = () =>
      tf.sequential({
        layers: [
          invertedDropoutLayer({ keepProb: 0.8, seed: 1, inputShape: [6], name: "s_inverted" }),
          dropConnectDenseLayer({
            units: 5,
            dropRate: 0.5,
            activation: "tanh",
            seed: 2,
            maskPer: "example",
            inferenceSamples: 16,
            name: "s_dropconnect",
            kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
          }),
          standardDropoutLayer({ keepProb: 0.5, seed: 4, name: "s_standard" }),
          gaussianDropoutLayer({ dropRate: 0.3, seed: 5, noiseShape: [null, 1], name: "s_gaussian" }),
          tf.layers.dense({ units: 2, name: "s_out", kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }),
        ],
      });
    const model = build();
    let artifacts: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
      }),
    );
    const topology = JSON.stringify(artifacts!.modelTopology);
    for (const className of [InvertedDropout.className, StandardDropout.className, GaussianDropout.className, DropConnectDense.className]) {
      expect(topology).toContain(`"class_name":"${className}"`);
    }
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const inverted = loaded.getLayer("s_inverted") as InvertedDropout;
    const dropConnect = loaded.getLayer("s_dropconnect") as DropConnectDense;
    const standard = loaded.getLayer("s_standard") as StandardDropout;
    const gaussian = loaded.getLayer("s_gaussian") as GaussianDropout;
    expect(inverted).toBeInstanceOf(InvertedDropout);
    expect([inverted.keepProb, inverted.seed]).toEqual([0.8, 1]);
    expect(dropConnect).toBeInstanceOf(DropConnectDense);
    expect([
      dropConnect.units,
      dropConnect.keepProb,
      dropConnect.activation,
      dropConnect.maskPer,
      dropConnect.inference,
      dropConnect.inferenceSamples,
      dropConnect.seed,
    ]).toEqual([5, 0.5, "tanh", "example", "gaussian", 16, 2]);
    expect(dropConnect.inferenceSeed).toBe((model.getLayer("s_dropconnect") as DropConnectDense).inferenceSeed);
    expect([standard.keepProb, standard.seed]).toEqual([0.5, 4]);
    expect([gaussian.keepProb, gaussian.seed, gaussian.noiseShape]).toEqual([0.7, 5, [null, 1]]);
    // A loaded model restarts every stream from its seed: its training passes equal a freshly built model's.
    const fresh = build();
    fresh.setWeights(model.getWeights());
    const x = tf.randomNormal([3, 6], 0, 1, "float32", 7);
    const before = tf.memory().numTensors;
    expect(Array.from(take(loaded.predict(x) as tf.Tensor))).toEqual(Array.from(take(model.predict(x) as tf.Tensor)));
    for (let step = 0; step < 2; step++) {
      expect(Array.from(take(loaded.apply(x, { training: true }) as tf.Tensor))).toEqual(Array.from(take(fresh.apply(x, { training: true }) as tf.Tensor)));
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    [model, loaded, fresh].forEach((m) => m.dispose());
  });
});

describe("Monte Carlo dropout (mcDropoutPredict)", () => {
  /** input [4] → batch norm with known running statistics → inverted dropout (keep 0.5) → output. */
  function bnModel(norm: "kernel-lib" | "tfjs"): tf.Sequential {
    const bn =
      norm === "kernel-lib"
        ? new BatchNorm({ inputShape: [4], name: "mc_bn" })
        : tf.layers.batchNormalization({ inputShape: [4], name: "mc_bn", epsilon: 1e-3 });
    const model = tf.sequential({ layers: [bn, invertedDropoutLayer({ keepProb: 0.5, seed: 3, name: "mc_drop" })] });
    const [gamma, beta, movingMean, movingVariance] = [
      [1, 2, 0.5, 1],
      [0, 1, -1, 0.5],
      [10, -5, 3, 0],
      [4, 9, 0.25, 1],
    ].map((v) => tf.tensor1d(v));
    model.setWeights([gamma!, beta!, movingMean!, movingVariance!]);
    tf.dispose([gamma!, beta!, movingMean!, movingVariance!]);
    return model;
  }

  for (const norm of ["kernel-lib", "tfjs"] as const) {
    it(`keeps batch norm (${norm}) in inference mode: every sample is BN_inference(x)·mask/keep, running statistics unchanged`, () => {
      const model = bnModel(norm);
      const x = tf.tensor2d([
        [11, -2, 3.5, 1],
        [9, -8, 2, -1],
        [12, -5, 3, 0.5],
      ]);
      const inference = take(model.predict(x) as tf.Tensor); // dropout is the identity here: this is BN_inference(x)
      const stats = () =>
        model
          .getWeights()
          .slice(2)
          .map((w) => Array.from(w.dataSync()));
      const statsBefore = stats();
      const before = tf.memory().numTensors;
      const result = mcDropoutPredict(model, x, { samples: 20, seed: 1, returnSamples: true });
      const samples = result.samples!.dataSync();
      expect(result.samples!.shape).toEqual([20, 3, 4]);
      let dropped = 0;
      samples.forEach((value, i) => {
        if (value === 0) dropped++;
        else expect(value).toBe(inference[i % 12]! / 0.5); // exact: the same BN arithmetic, then ×1 and ÷0.5
      });
      expect(dropped).toBeGreaterThan(0);
      expect(stats()).toEqual(statsBefore);
      tf.dispose([result.mean, result.std, result.samples!]);
      expect(tf.memory().numTensors).toBe(before);
      // What mcDropoutPredict avoids: model.apply(x, { training: true }) normalizes with the batch's own statistics
      // (no sample would equal BN_inference(x)/keep) and, for kernel-lib's BatchNorm and tfjs's, updates the running averages.
      tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
      expect(stats()).not.toEqual(statsBefore);
      x.dispose();
      model.dispose();
    });
  }

  it("returns the elementwise mean and (K − 1) standard deviation of the samples; reproducible with the seed; the layer's training stream untouched", () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 5, inputShape: [3], name: "mc_hidden", activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        gaussianDropoutLayer({ keepProb: 0.7, seed: 2, name: "mc_gauss" }),
        dropConnectDenseLayer({ units: 2, keepProb: 0.6, seed: 3, name: "mc_dc", kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      ],
    });
    const x = tf.randomNormal([4, 3], 0, 1, "float32", 5);
    const before = tf.memory().numTensors;
    const a = mcDropoutPredict(model, x, { samples: 12, seed: 7, returnSamples: true });
    expect(a.count).toBe(12);
    const s = a.samples!.arraySync() as number[][][];
    const mean = a.mean.arraySync() as number[][];
    const std = a.std.arraySync() as number[][];
    for (let n = 0; n < 4; n++) {
      for (let j = 0; j < 2; j++) {
        const column = s.map((sample) => sample[n]![j]!);
        const m = column.reduce((t, v) => t + v, 0) / 12;
        const sd = Math.sqrt(column.reduce((t, v) => t + (v - m) ** 2, 0) / 11);
        expect(mean[n]![j]!).toBeCloseTo(m, 5);
        expect(std[n]![j]!).toBeCloseTo(sd, 5);
      }
    }
    const b = mcDropoutPredict(model, x, { samples: 12, seed: 7 });
    expect(b.samples).toBeUndefined();
    expect(b.mean.arraySync()).toEqual(mean);
    expect(b.std.arraySync()).toEqual(std);
    const c = mcDropoutPredict(model, x, { samples: 12, seed: 8 });
    expect(c.mean.arraySync()).not.toEqual(mean);
    // The samples differ from one another, and the layers are back in inference mode afterwards.
    expect(s[1]).not.toEqual(s[0]);
    expect(monteCarloLayers(model).map((l) => l.noise.monteCarlo)).toEqual([false, false]);
    tf.dispose([a.mean, a.std, a.samples!, b.mean, b.std, c.mean, c.std]);
    expect(tf.memory().numTensors).toBe(before);
    // Monte Carlo passes did not advance the training streams: a training pass equals a fresh model's first one.
    const gauss = model.getLayer("mc_gauss") as GaussianDropout;
    const fresh = gaussianDropoutLayer({ keepProb: 0.7, seed: 2 });
    const hidden = tf.ones([2, 5]);
    expect(Array.from(values(gauss, hidden))).toEqual(Array.from(values(fresh, hidden)));
    tf.dispose([x, hidden]);
    model.dispose();
  });

  it("estimates mean x and std x·√((1 − keep)/keep) for a lone inverted dropout (K = 4,000 samples, 5 SE)", () => {
    // The mean has SE σ/√K. The sample std has SE ≈ σ·√((κ − 1)/(4K)) with κ the kurtosis of x·r/keep, r ~ Bernoulli(keep):
    // κ = 3 + (1 − 6 keep(1 − keep))/(keep(1 − keep)) = 3.25 for keep = 0.8, so SE ≈ 0.75·σ/√K.
    const model = tf.sequential({ layers: [invertedDropoutLayer({ keepProb: 0.8, inputShape: [3], seed: 1 })] });
    const x = tf.tensor2d([[1, -2, 4]]);
    const K = 4000;
    const sd = Math.sqrt(0.2 / 0.8);
    const { mean, std } = mcDropoutPredict(model, x, { samples: K, seed: 2 });
    const [m, s] = [take(mean), take(std)];
    [1, -2, 4].forEach((xi, i) => {
      expect(Math.abs(m[i]! - xi)).toBeLessThan((5 * sd * Math.abs(xi)) / Math.sqrt(K));
      expect(Math.abs(s[i]! - sd * Math.abs(xi))).toBeLessThan((5 * 0.75 * sd * Math.abs(xi)) / Math.sqrt(K));
    });
    x.dispose();
    model.dispose();
  });

  it("finds dropout layers inside nested models", () => {
    const inner = tf.sequential({
      layers: [tf.layers.dense({ units: 3, inputShape: [2], name: "inner_dense" }), invertedDropoutLayer({ keepProb: 0.5, name: "inner_drop" })],
    });
    const input = tf.input({ shape: [2] });
    const output = standardDropoutLayer({ keepProb: 0.5, name: "outer_drop" }).apply(inner.apply(input) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    expect(monteCarloLayers(model).map((l) => l.name)).toEqual(["inner_drop", "outer_drop"]);
    model.dispose();
  });

  it("rejects bad input and leaves the layers out of Monte Carlo mode when a pass throws", () => {
    const x = tf.ones([2, 3]);
    const plain = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
    expect(() => mcDropoutPredict(plain, x)).toThrow(/mcDropoutPredict: model = .*, expected a model with at least one InvertedDropout/);
    const tfjs = tf.sequential({ layers: [tf.layers.dropout({ rate: 0.5, inputShape: [3], name: "tfjs_drop" })] });
    expect(() => mcDropoutPredict(tfjs, x)).toThrow(/mcDropoutPredict: model layer "tfjs_drop" = "Dropout", expected kernel-lib's InvertedDropout/);
    const ours = tf.sequential({ layers: [invertedDropoutLayer({ keepProb: 0.5, inputShape: [3] }), tf.layers.dense({ units: 1 })] });
    expect(() => mcDropoutPredict(ours, x, { samples: 1 })).toThrow(/mcDropoutPredict: options\.samples = 1, expected an integer >= 2/);
    expect(() => mcDropoutPredict(ours, x, { seed: 0.5 })).toThrow(/options\.seed = 0\.5/);
    expect(() => mcDropoutPredict({} as tf.LayersModel, x)).toThrow(/mcDropoutPredict: model = \{\}, expected a tf\.LayersModel/);
    const wrong = tf.ones([2, 4]);
    const before = tf.memory().numTensors;
    expect(() => mcDropoutPredict(ours, wrong, { samples: 3, seed: 1 })).toThrow();
    expect(tf.memory().numTensors).toBe(before);
    expect(monteCarloLayers(ours)[0]!.noise.monteCarlo).toBe(false);
    tf.dispose([x, wrong]);
    [plain, tfjs, ours].forEach((m) => m.dispose());
  });
});

describe("functional forms", () => {
  it("invertedDropout / standardDropout / gaussianDropout use the seed's mask in training and the convention's rule at inference", () => {
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6]]);
    const mask = take(bernoulliMask([1, 6], 0.5, 3));
    expect(Array.from(take(noLeak(() => invertedDropout(x, { keepProb: 0.5, seed: 3 }))))).toEqual(Array.from(mask, (m, i) => m * (i + 1) * 2));
    expect(Array.from(take(standardDropout(x, { keepProb: 0.5, seed: 3 })))).toEqual(Array.from(mask, (m, i) => m * (i + 1)));
    expect(Array.from(take(standardDropout(x, { keepProb: 0.5, training: false })))).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
    expect(Array.from(take(invertedDropout(x, { dropRate: 0.5, training: false })))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(take(gaussianDropout(x, { keepProb: 0.5, training: false })))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(take(gaussianDropout(x, { keepProb: 0.5, seed: 3 })))).toEqual(Array.from(take(gaussianDropout(x, { keepProb: 0.5, seed: 3 }))));
    x.dispose();
  });
});
