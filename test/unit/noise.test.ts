/**
 * Noise regularizers (kernel-lib/src/regularizers/noise): the GaussianInputNoise layer's training-mode statistics,
 * fresh draws per call from a seeded stream, identity at inference, serialization; lecture 002's equivalence of input
 * noise with an L2 penalty σ²‖w‖² for a linear model with squared loss; weight noise's update w − η∇f(w + ε).
 *
 * Tolerances come from the sample sizes: for n independent N(0, σ²) draws the sample mean has standard error σ/√n and
 * the sample standard deviation σ/√(2n); we allow 5 standard errors (a correct implementation fails with probability
 * < 1e-6 per check, and the seeds are fixed, so the outcome is deterministic anyway). float32 rounding (~1e-7 relative)
 * is far below these.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { GaussianInputNoise, gaussianInputNoise, WeightNoise, WeightNoiseOptimizer, weightNoiseOptimizer } from "../../kernel-lib/src/regularizers/noise";
import { fit } from "../../kernel-lib/src/training/fit";
import { initBackend, seed, tf } from "../../kernel-lib/src/index";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

function moments(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(sq / (values.length - 1)) };
}

function applyTraining(layer: tf.layers.Layer, x: tf.Tensor): Float32Array {
  const out = layer.apply(x, { training: true }) as tf.Tensor;
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return values;
}

describe("GaussianInputNoise", () => {
  it("adds noise with mean ≈ 0 and std ≈ σ in training (5 standard errors for n = 20,000)", () => {
    const sigma = 0.5;
    const n = 20_000;
    const layer = gaussianInputNoise({ std: sigma, seed: 11, name: "gin_stats" });
    const x = tf.fill([200, 100], 3);
    const before = tf.memory().numTensors;
    const noise = applyTraining(layer, x).map((v) => v - 3);
    expect(tf.memory().numTensors).toBe(before);
    const { mean, std } = moments(noise);
    expect(Math.abs(mean)).toBeLessThan((5 * sigma) / Math.sqrt(n));
    expect(Math.abs(std - sigma)).toBeLessThan((5 * sigma) / Math.sqrt(2 * n));
    x.dispose();
  });

  it("draws fresh noise at every call, and the same sequence for the same seed", () => {
    const x = tf.zeros([4, 8]);
    const a = gaussianInputNoise({ std: 1, seed: 42, name: "gin_a" });
    const b = gaussianInputNoise({ std: 1, seed: 42, name: "gin_b" });
    const c = gaussianInputNoise({ std: 1, seed: 43, name: "gin_c" });
    const a1 = applyTraining(a, x);
    const a2 = applyTraining(a, x);
    expect(Array.from(a1)).not.toEqual(Array.from(a2));
    expect(Array.from(applyTraining(b, x))).toEqual(Array.from(a1));
    expect(Array.from(applyTraining(b, x))).toEqual(Array.from(a2));
    expect(Array.from(applyTraining(c, x))).not.toEqual(Array.from(a1));
    a.resetNoise();
    expect(Array.from(applyTraining(a, x))).toEqual(Array.from(a1));
    x.dispose();
  });

  it("takes its seed from the global stream when none is given (seed(n) makes it reproducible)", () => {
    seed(3);
    const first = gaussianInputNoise({ std: 1 }).seed;
    seed(3);
    expect(gaussianInputNoise({ std: 1 }).seed).toBe(first);
  });

  it("is the identity at inference (no training flag, training: false, predict) and when σ = 0", () => {
    const x = tf.tensor2d([
      [1, -2, 3],
      [0.5, 0, -1],
    ]);
    const layer = gaussianInputNoise({ std: 2, seed: 1, name: "gin_identity" });
    const before = tf.memory().numTensors;
    for (const kwargs of [{}, { training: false }]) {
      const y = layer.apply(x, kwargs) as tf.Tensor;
      expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
      y.dispose();
    }
    expect(Array.from(applyTraining(gaussianInputNoise({ std: 0, seed: 1 }), x))).toEqual(Array.from(x.dataSync()));
    expect(tf.memory().numTensors).toBe(before);
    const model = tf.sequential({ layers: [gaussianInputNoise({ std: 2, seed: 1, inputShape: [3], name: "gin_in_model" })] });
    const p = model.predict(x) as tf.Tensor;
    expect(Array.from(p.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([p, x]);
    model.dispose();
  });

  it("is noisy inside model.fit (training: true) and passes the gradient through unchanged", async () => {
    const model = tf.sequential({
      layers: [
        gaussianInputNoise({ std: 1, seed: 5, inputShape: [2], name: "gin_fit" }),
        tf.layers.dense({ units: 1, name: "gin_fit_out", kernelInitializer: "zeros" }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: "meanSquaredError" });
    const x = tf.zeros([8, 2]);
    const y = tf.ones([8, 1]);
    const before = tf.memory().numTensors;
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
    // With clean inputs x = 0 the kernel's gradient would be exactly 0; noisy inputs make it move.
    const kernel = model.getWeights()[0]!.dataSync();
    expect(Array.from(kernel).some((v) => v !== 0)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    const g = tf.grad((input: tf.Tensor) => tf.sum(gaussianInputNoise({ std: 1, seed: 2 }).apply(input, { training: true }) as tf.Tensor))(x);
    expect(Array.from(g.dataSync())).toEqual(new Array(16).fill(1));
    tf.dispose([x, y, g]);
    model.dispose();
  });

  it("round-trips through serialization as KernelLib>GaussianInputNoise with its σ and seed", async () => {
    const model = tf.sequential({ layers: [gaussianInputNoise({ std: 0.3, seed: 77, inputShape: [5], name: "gin_saved" })] });
    const json = JSON.parse(JSON.stringify(model.toJSON(null, false))) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    const saved = json.config.layers.find((l) => l.class_name === GaussianInputNoise.className)!;
    expect(saved.config).toMatchObject({ std: 0.3, seed: 77, name: "gin_saved" });
    const loaded = await tf.models.modelFromJSON(json as unknown as tf.io.ModelJSON);
    const layer = loaded.getLayer("gin_saved") as GaussianInputNoise;
    expect(layer).toBeInstanceOf(GaussianInputNoise);
    expect([layer.std, layer.seed]).toEqual([0.3, 77]);
    const x = tf.zeros([2, 5]);
    expect(Array.from(applyTraining(layer, x))).toEqual(Array.from(applyTraining(gaussianInputNoise({ std: 0.3, seed: 77 }), x)));
    x.dispose();
    model.dispose();
    loaded.dispose();
  });

  it("rejects a negative or non-finite σ, a non-integer seed and non-float inputs, naming the argument", () => {
    expect(() => gaussianInputNoise({ std: -0.1 })).toThrow(/GaussianInputNoise: args\.std = -0\.1, expected a finite number >= 0/);
    expect(() => gaussianInputNoise({ std: Number.NaN })).toThrow(/args\.std = NaN/);
    expect(() => gaussianInputNoise({ std: 1, seed: 1.5 })).toThrow(/args\.seed = 1\.5, expected an integer/);
    const ints = tf.tensor1d([1, 2], "int32");
    expect(() => gaussianInputNoise({ std: 1 }).apply(ints, { training: true })).toThrow(/inputs\.dtype = "int32"/);
    ints.dispose();
  });
});

describe("input noise on a linear model = L2 penalty σ²‖w‖² (lecture 002)", () => {
  it("E[(wᵀ(x+ε) − y)²] = (wᵀx − y)² + σ²‖w‖², measured over 20,000 draws per example within 5 standard errors", () => {
    const sigma = 0.4;
    const w = [0.8, -1.5, 0.3];
    const xs = [
      [1, 0.5, -1],
      [0.2, -0.4, 2],
      [-1, 1, 0],
      [0.3, 0.3, 0.3],
    ];
    const ys = [0.1, -1, 2, 0.5];
    const draws = 20_000;
    const layer = gaussianInputNoise({ std: sigma, seed: 2024, name: "gin_equivalence" });
    const tiled = tf.tidy(() => tf.tile(tf.tensor2d(xs), [draws, 1]));
    const noisy = applyTraining(layer, tiled);
    tiled.dispose();
    const s2 = sigma ** 2 * w.reduce((s, v) => s + v * v, 0); // variance of wᵀε
    let measured = 0;
    let expected = 0;
    let variance = 0; // of one squared residual (r + u)², u ~ N(0, s²): 4 r² s² + 2 s⁴
    xs.forEach((x, i) => {
      const r = w.reduce((s, v, j) => s + v * x[j]!, 0) - ys[i]!;
      expected += r * r + s2;
      variance += 4 * r * r * s2 + 2 * s2 * s2;
    });
    for (let row = 0; row < draws * xs.length; row++) {
      const i = row % xs.length;
      const pred = w.reduce((s, v, j) => s + v * noisy[row * 3 + j]!, 0);
      measured += (pred - ys[i]!) ** 2;
    }
    measured /= draws * xs.length;
    expected /= xs.length;
    const standardError = Math.sqrt(variance / xs.length / (draws * xs.length));
    expect(Math.abs(measured - expected)).toBeLessThan(5 * standardError);
    // The penalty is well above the tolerance, so a measurement without it (expected − σ²‖w‖²) would fail the check.
    expect(s2).toBeGreaterThan(2 * 5 * standardError);
  });
});

describe("WeightNoise", () => {
  it("perturbs by N(0, σ²) (5 standard errors for n = 10,000) and restores the weights to a few ulps", () => {
    const sigma = 0.1;
    const v = tf.variable(tf.randomUniform([100, 100], -1, 1, "float32", 3));
    const clean = v.dataSync().slice();
    const noise = new WeightNoise([v], { std: sigma, seed: 9 });
    const before = tf.memory().numTensors;
    noise.perturb();
    expect(noise.isPerturbed).toBe(true);
    const diff = v.dataSync().map((x, i) => x - clean[i]!);
    const { mean, std } = moments(diff);
    expect(Math.abs(mean)).toBeLessThan((5 * sigma) / 100);
    expect(Math.abs(std - sigma)).toBeLessThan((5 * sigma) / Math.sqrt(2e4));
    expect(() => noise.perturb()).toThrow(/already perturbed/);
    expect(noise.restore()).toBe(true);
    expect(noise.restore()).toBe(false);
    const back = v.dataSync();
    // (w + ε) − ε in float32: at most one rounding of each operation, |w| + |ε| < 2 ⇒ error ≤ 2·2⁻²³ ≈ 2.4e-7.
    for (let i = 0; i < back.length; i++) expect(Math.abs(back[i]! - clean[i]!)).toBeLessThanOrEqual(2.5e-7);
    expect(tf.memory().numTensors).toBe(before);
    v.dispose();
  });

  it("draws fresh noise at each perturbation and the same sequence for the same seed", () => {
    const v = tf.variable(tf.zeros([50]));
    const u = tf.variable(tf.zeros([50]));
    const a = new WeightNoise([v], { std: 1, seed: 4 });
    const b = new WeightNoise([u], { std: 1, seed: 4 });
    const draws: number[][] = [];
    for (let t = 0; t < 2; t++) {
      a.perturb();
      b.perturb();
      expect(Array.from(u.dataSync())).toEqual(Array.from(v.dataSync()));
      draws.push(Array.from(v.dataSync()));
      a.restore();
      b.restore();
    }
    expect(draws[0]).not.toEqual(draws[1]);
    tf.dispose([v, u]);
  });

  it("minimize takes the gradient at w + ε and updates the clean w: w ← w − η(w + ε − c) for f = ½‖w − c‖²", () => {
    const eta = 0.1;
    const c = tf.tensor1d([1, -2, 0.5, 3]);
    const w = tf.variable(tf.tensor1d([0.2, 0.4, -0.6, 0.8]));
    const w0 = Array.from(w.dataSync());
    const probe = tf.variable(tf.zeros([4]));
    const reference = new WeightNoise([probe], { std: 0.3, seed: 12 });
    reference.perturb();
    const eps = Array.from(probe.dataSync());
    reference.dispose();
    const optimizer = tf.train.sgd(eta);
    const noise = new WeightNoise([w], { std: 0.3, seed: 12 });
    const before = tf.memory().numTensors;
    const loss = noise.minimize(optimizer, () => tf.mul(0.5, tf.sum(tf.square(tf.sub(w, c)))) as tf.Scalar);
    expect(tf.memory().numTensors).toBe(before);
    const cs = Array.from(c.dataSync());
    const expected = w0.map((wi, i) => wi - eta * (wi + eps[i]! - cs[i]!));
    const got = Array.from(w.dataSync());
    got.forEach((g, i) => expect(Math.abs(g - expected[i]!)).toBeLessThan(1e-6));
    expect(loss).toBeCloseTo(0.5 * w0.reduce((s, wi, i) => s + (wi + eps[i]! - cs[i]!) ** 2, 0), 5);
    expect(noise.isPerturbed).toBe(false);
    tf.dispose([c, w, probe]);
    optimizer.dispose();
  });

  it("as an optimizer wrapper trains with kernel-lib's fit: kernels only by default, clean weights between steps, no leaks", async () => {
    const build = (): tf.Sequential =>
      tf.sequential({
        layers: [
          tf.layers.dense({ units: 4, inputShape: [3], activation: "tanh", name: "wn_hidden", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
          tf.layers.dense({ units: 1, name: "wn_out", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
        ],
      });
    const x = tf.randomNormal([32, 3], 0, 1, "float32", 5);
    const y = tf.randomNormal([32, 1], 0, 1, "float32", 6);
    const train = async (std: number): Promise<{ weights: number[]; noisy: WeightNoiseOptimizer; model: tf.Sequential }> => {
      const model = build();
      const noisy = weightNoiseOptimizer(tf.train.sgd(0.05), model, { std, seed: 3 });
      model.compile({ optimizer: noisy, loss: "meanSquaredError" });
      let clean = true;
      await fit(model, x, y, {
        epochs: 2,
        batchSize: 8,
        seed: 1,
        validationData: [x, y],
        callbacks: { onBatchEnd: () => void (clean = clean && !noisy.noise.isPerturbed) },
      });
      expect(clean).toBe(true);
      return { weights: model.getWeights().flatMap((t) => Array.from(t.dataSync())), noisy, model };
    };
    const before = tf.memory().numTensors;
    const plainRun = await train(0);
    const noisyRun = await train(0.2);
    const perturbed = noisyRun.noisy.noise.variables.map((v) => v.name);
    expect(perturbed).toHaveLength(2); // two kernels, no biases
    for (const name of perturbed) expect(name).toMatch(/kernel/);
    // σ = 0 is plain SGD to rounding; σ > 0 changes the trajectory.
    const reference = build();
    reference.compile({ optimizer: tf.train.sgd(0.05), loss: "meanSquaredError" });
    await fit(reference, x, y, { epochs: 2, batchSize: 8, seed: 1 });
    const referenceWeights = reference.getWeights().flatMap((t) => Array.from(t.dataSync()));
    plainRun.weights.forEach((v, i) => expect(Math.abs(v - referenceWeights[i]!)).toBeLessThan(1e-6));
    expect(noisyRun.weights.some((v, i) => Math.abs(v - referenceWeights[i]!) > 1e-3)).toBe(true);
    for (const m of [plainRun.model, noisyRun.model, reference]) {
      m.optimizer.dispose();
      m.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it("rejects a negative σ, an unknown include and a bad target, naming the argument", () => {
    const v = tf.variable(tf.zeros([2]));
    expect(() => new WeightNoise([v], { std: -1 })).toThrow(/WeightNoise: options\.std = -1, expected a finite number >= 0/);
    expect(() => new WeightNoise([v], { std: 1, include: "biases" as never })).toThrow(/options\.include = "biases"/);
    expect(() => new WeightNoise([tf.zeros([2]) as unknown as tf.Variable], { std: 1 })).toThrow(/WeightNoise: target = /);
    expect(() => new WeightNoiseOptimizer({} as tf.Optimizer, new WeightNoise([v], { std: 1 }))).toThrow(/optimizer = /);
    v.dispose();
  });
});
