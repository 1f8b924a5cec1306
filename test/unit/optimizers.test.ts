/**
 * Decoupled weight decay (kernel-lib/src/optimizers): AdamW (with AMSGrad), SGDW and the engineers' decay against
 * PyTorch (test/fixtures/optimizers/generate.py), inside `model.fit`, through getWeights/setWeights and
 * serialization, and with bad input.
 *
 * How PyTorch is compared: AdamW against `torch.optim.AdamW` (bias in a weight_decay=0 group for the default
 * exclusion); SGDW without momentum against `torch.optim.SGD(weight_decay)`, which adds λθ to the gradient, the
 * same step when there is no momentum; SGDW with momentum against torch's SGD(momentum) after `p.mul_(1 − ηλ)`
 * (PyTorch has no decoupled SGD class); and "L2 in the gradient" (`torch.optim.Adam(weight_decay)`,
 * `SGD(momentum, weight_decay)`) against our optimizers with λ = 0 fed g + λθ, to show how both differ from decoupled.
 *
 * Tolerance: the reference runs in float64 from float32-exact inputs; we run in float32 (unit roundoff
 * u = 2⁻²⁴ ≈ 6e-8). One step rounds at most ~16 times, each error relative to a value no larger than
 * 1 + max|θ| (the step η·d stays below 1 here: |m̂/√v̂| ≲ 3, |b| ≲ 10|g|), and the decay factor 1 − ηλ < 1 does not
 * amplify earlier errors, so after t steps |θ_ours − θ_torch| ≤ t · 16u · (1 + max|θ|); we allow twice that.
 * The cases differ from each other by more than 50 times that bound (the first test checks it), so the tests can
 * tell them apart.
 */
import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { AdamW, adamW, decayFactor, decayWeights, disposeOptimizer, SGDW, sgdW, type DecayExclusion } from "../../kernel-lib/src/optimizers";
import { buildOptimizer, optimizerSpec } from "../../kernel-lib/src/parallel/optimizer-spec";
import { ClippedOptimizer, clippedOptimizer } from "../../kernel-lib/src/regularizers/clipping";
import { initBackend, tf } from "../../kernel-lib/src/index";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

type Params = Record<string, number[]>;
interface Fixture {
  torch: string;
  shapes: Record<string, number[]>;
  adam: { learningRate: number; beta1: number; beta2: number; epsilon: number; weightDecay: number; largeEpsilon: number };
  sgd: { learningRate: number; momentum: number; weightDecay: number };
  initial: Params;
  gradients: Params[];
  trajectories: Record<string, Params[]>;
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "../fixtures/optimizers/torch-optimizers.json"), "utf8")) as Fixture;
const NAMES = Object.keys(fixture.shapes);
const U = 2 ** -24;

function maxAbs(params: Params[]): number {
  return Math.max(...params.flatMap((p) => Object.values(p).flat().map(Math.abs)));
}

/** The tolerance after `step` steps (1-based), as derived in the header. */
function tolerance(step: number, magnitude: number): number {
  return 2 * step * 16 * U * (1 + magnitude);
}

function maxDifference(a: Params, b: Params): number {
  return Math.max(...Object.keys(a).flatMap((name) => a[name]!.map((x, i) => Math.abs(x - b[name]![i]!))));
}

let runCount = 0;

/** A variable holding `values` (the temporary tensor is freed). */
function variable(values: number[], shape: number[], name: string): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape), true, name));
}

/**
 * Runs `optimizer` on fresh variables named "<unique>/w/kernel", "<unique>/w/bias" with the fixture's gradients;
 * `l2` adds l2·θ to each gradient first (L2 in the gradient). Returns the trajectory keyed by the fixture's names.
 */
function runOnFixture(optimizer: tf.Optimizer, l2 = 0): Params[] {
  const prefix = `fixture${++runCount}`;
  const variables = NAMES.map((name) => variable(fixture.initial[name]!, fixture.shapes[name]!, `${prefix}/${name}`));
  const trajectory: Params[] = [];
  for (const step of fixture.gradients) {
    const grads = NAMES.map((name, i) => {
      const g = tf.tensor(step[name]!, fixture.shapes[name]!);
      if (l2 === 0) return { name: variables[i]!.name, tensor: g };
      const withPenalty = tf.tidy(() => tf.add(g, tf.mul(variables[i]!, l2)));
      g.dispose();
      return { name: variables[i]!.name, tensor: withPenalty };
    });
    optimizer.applyGradients(grads);
    tf.dispose(grads.map((g) => g.tensor));
    trajectory.push(Object.fromEntries(NAMES.map((name, i) => [name, Array.from(variables[i]!.dataSync())])));
  }
  tf.dispose(variables);
  optimizer.dispose();
  return trajectory;
}

function expectTrajectory(actual: Params[], reference: string): number {
  const expected = fixture.trajectories[reference]!;
  const magnitude = maxAbs(expected);
  let worst = 0;
  expected.forEach((params, t) => {
    const difference = maxDifference(actual[t]!, params);
    worst = Math.max(worst, difference);
    expect(difference, `${reference}, step ${t + 1}`).toBeLessThanOrEqual(tolerance(t + 1, magnitude));
  });
  return worst;
}

describe("against PyTorch (fixture)", () => {
  const { learningRate, beta1, beta2, epsilon, weightDecay } = fixture.adam;
  const adamOptions = { learningRate, beta1, beta2, epsilon, weightDecay };
  const sgd = fixture.sgd;

  it("the fixture's cases are far apart compared with the tolerance", () => {
    const t = fixture.trajectories;
    const bound = tolerance(fixture.gradients.length, 3);
    const pairs: [string, string][] = [
      ["adamw", "adamw_amsgrad"],
      ["adamw", "adamw_all"],
      ["adamw_amsgrad", "adamw_large_eps"],
      ["adamw_all", "adam_l2"],
      ["sgdw_momentum", "sgd_l2_momentum"],
      ["sgdw_momentum", "sgdw_nesterov"],
    ];
    for (const [a, b] of pairs) expect(maxDifference(t[a]!.at(-1)!, t[b]!.at(-1)!), `${a} vs ${b}`).toBeGreaterThan(50 * bound);
  });

  it("AdamW matches torch.optim.AdamW (bias excluded by default, as a weight_decay=0 group)", () => {
    const before = tf.memory().numTensors;
    expectTrajectory(runOnFixture(adamW(adamOptions)), "adamw");
    expect(tf.memory().numTensors).toBe(before);
  });

  it("AdamW with amsgrad matches torch.optim.AdamW(amsgrad=True)", () => {
    expectTrajectory(runOnFixture(adamW({ ...adamOptions, amsgrad: true })), "adamw_amsgrad");
  });

  it('AdamW with excludeFromDecay "none" matches torch.optim.AdamW on every parameter', () => {
    expectTrajectory(runOnFixture(adamW({ ...adamOptions, excludeFromDecay: "none" })), "adamw_all");
  });

  it("ε is added to √v̂ as in PyTorch (a large ε, AMSGrad, every parameter decayed)", () => {
    expectTrajectory(runOnFixture(adamW({ ...adamOptions, epsilon: fixture.adam.largeEpsilon, amsgrad: true, excludeFromDecay: "none" })), "adamw_large_eps");
  });

  it("L2 in the gradient inside Adam (λ = 0, g + λθ) matches torch.optim.Adam(weight_decay) and differs from AdamW", () => {
    const l2 = runOnFixture(adamW({ ...adamOptions, weightDecay: 0 }), weightDecay);
    expectTrajectory(l2, "adam_l2");
    expect(maxDifference(l2.at(-1)!, fixture.trajectories["adamw_all"]!.at(-1)!)).toBeGreaterThan(1e-3);
  });

  it("SGDW without momentum equals torch.optim.SGD(weight_decay), i.e. L2 in the gradient", () => {
    expectTrajectory(runOnFixture(sgdW({ learningRate: sgd.learningRate, weightDecay: sgd.weightDecay, excludeFromDecay: "none" })), "sgd_wd");
    expectTrajectory(runOnFixture(sgdW({ learningRate: sgd.learningRate }), sgd.weightDecay), "sgd_wd");
  });

  it("SGDW with momentum and Nesterov match torch's SGD after p.mul_(1 − ηλ)", () => {
    const options = { learningRate: sgd.learningRate, weightDecay: sgd.weightDecay, momentum: sgd.momentum, excludeFromDecay: "none" as const };
    expectTrajectory(runOnFixture(sgdW(options)), "sgdw_momentum");
    expectTrajectory(runOnFixture(sgdW({ ...options, nesterov: true })), "sgdw_nesterov");
  });

  it("with momentum, L2 in the gradient (torch SGD(momentum, weight_decay)) differs from decoupled decay", () => {
    const l2 = runOnFixture(sgdW({ learningRate: sgd.learningRate, momentum: sgd.momentum }), sgd.weightDecay);
    expectTrajectory(l2, "sgd_l2_momentum");
    expect(maxDifference(l2.at(-1)!, fixture.trajectories["sgdw_momentum"]!.at(-1)!)).toBeGreaterThan(0.05);
  });
});

describe("AMSGrad", () => {
  it("keeps the largest v, so its steps are smaller than Adam's once the gradients shrink", async () => {
    // Gradients 1, 1, 1 then 0.01: v falls geometrically (β₂ = 0.9) while v_max stays at its peak.
    const gradients = [1, 1, 1, 0.01, 0.01, 0.01, 0.01];
    const steps = (amsgrad: boolean): number[] => {
      const w = variable([0], [], `amsgrad_${amsgrad}_${++runCount}`);
      const optimizer = adamW({ learningRate: 0.1, beta2: 0.9, weightDecay: 0, amsgrad });
      const deltas = gradients.map((g) => {
        const before = w.dataSync()[0]!;
        const tensor = tf.scalar(g);
        optimizer.applyGradients([{ name: w.name, tensor }]);
        tensor.dispose();
        return Math.abs(w.dataSync()[0]! - before);
      });
      optimizer.dispose();
      w.dispose();
      return deltas;
    };
    const adam = steps(false);
    const ams = steps(true);
    // While g is constant v only rises, so the two agree (to float32 rounding of a step of 0.1).
    for (let t = 0; t < 3; t++) expect(Math.abs(ams[t]! - adam[t]!)).toBeLessThan(1e-6);
    // After the drop v falls (×0.9 a step) while v_max keeps its peak, so AMSGrad's denominator is larger and its
    // step smaller (measured: 5 % smaller at the first small gradient, 19 % at the fourth); the margin 1e-3 is
    // 10⁴ times the float32 rounding of a step of 0.1.
    for (let t = 3; t < gradients.length; t++) expect(ams[t]!).toBeLessThan(adam[t]! - 1e-3);
    expect(ams.at(-1)!).toBeLessThan(0.85 * adam.at(-1)!);
  });

  it("stores v_max = max over steps of v (PyTorch's definition, before bias correction)", async () => {
    const w = variable([0, 0], [2], `vmax_${++runCount}`);
    const optimizer = adamW({ beta2: 0.5, weightDecay: 0, amsgrad: true });
    const history: number[][] = [];
    let v = [0, 0];
    for (const g of [
      [2, 0.1],
      [0.1, 2],
      [0.1, 0.1],
    ]) {
      v = v.map((vi, i) => 0.5 * vi + 0.5 * g[i]! ** 2);
      history.push(v);
      const tensor = tf.tensor1d(g);
      optimizer.applyGradients({ [w.name]: tensor });
      tensor.dispose();
    }
    const weights = await optimizer.getWeights();
    expect(weights.map((x) => x.name)).toEqual(["iter", `${w.name}/m`, `${w.name}/v`, `${w.name}/vmax`]);
    const vMax = Array.from(weights[3]!.tensor.dataSync());
    const expected = [0, 1].map((i) => Math.max(...history.map((h) => h[i]!)));
    vMax.forEach((x, i) => expect(Math.abs(x - expected[i]!)).toBeLessThanOrEqual(4 * U * expected[i]!));
    weights[0]!.tensor.dispose();
    optimizer.dispose();
    w.dispose();
  });
});

describe("decayWeights and decayFactor (the engineers' view, θ ← 0.98·θ)", () => {
  it("multiplies every non-bias variable by the factor and leaves biases alone by default", () => {
    const kernel = variable([1, -2, 4], [3], `decay_${++runCount}/kernel`);
    const bias = variable([1, 1], [2], `decay_${runCount}/bias`);
    const before = tf.memory().numTensors;
    expect(decayWeights([kernel, bias], 0.98)).toEqual([kernel.name]);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(kernel.dataSync())).toEqual(Array.from(new Float32Array([0.98, -1.96, 3.92])));
    expect(Array.from(bias.dataSync())).toEqual([1, 1]);
    expect(decayWeights([kernel, bias], 0.5, { excludeFromDecay: "none" })).toEqual([kernel.name, bias.name]);
    expect(Array.from(bias.dataSync())).toEqual([0.5, 0.5]);
    const onlyBias: DecayExclusion = (name) => !name.endsWith("bias");
    expect(decayWeights([kernel, bias], 0.5, { excludeFromDecay: onlyBias })).toEqual([bias.name]);
    tf.dispose([kernel, bias]);
  });

  it("takes a model's trainable weights", () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: `decay_dense_${++runCount}`, biasInitializer: "ones" })] });
    const [kernel, bias] = model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(decayWeights(model, 0.9)).toEqual([(model.trainableWeights[0]!.read() as tf.Variable).name]);
    const [kernelAfter, biasAfter] = model.getWeights().map((w) => Array.from(w.dataSync()));
    kernelAfter!.forEach((x, i) => expect(x).toBeCloseTo(0.9 * kernel![i]!, 6));
    expect(biasAfter).toEqual(bias);
    model.dispose();
  });

  it("is what one AdamW / SGDW step does when the gradient is zero: factor 1 − ηλ", () => {
    expect(decayFactor(0.1, 0.2)).toBeCloseTo(0.98, 15);
    for (const optimizer of [adamW({ learningRate: 0.1, weightDecay: 0.2 }), sgdW({ learningRate: 0.1, weightDecay: 0.2, momentum: 0.9 })]) {
      const w = variable([1, -3], [2], `zero_grad_${++runCount}/kernel`);
      const zero = tf.zeros([2]);
      optimizer.applyGradients({ [w.name]: zero });
      expect(Array.from(w.dataSync())).toEqual(Array.from(new Float32Array([0.98, -2.94])));
      tf.dispose([w, zero]);
      optimizer.dispose();
    }
  });

  it("rejects a factor outside (0, 1] and a bad exclusion", () => {
    const w = variable([1], [], `decay_bad_${++runCount}`);
    expect(() => decayWeights([w], 0)).toThrow(/decayWeights: factor = 0, expected a number in \(0, 1\]/);
    expect(() => decayWeights([w], 1.02)).toThrow(/decayWeights: factor = 1.02/);
    expect(() => decayWeights([w], 0.98, { excludeFromDecay: "kernels" as never })).toThrow(/excludeFromDecay = "kernels"/);
    const notAVariable = tf.scalar(1);
    expect(() => decayWeights([notAVariable as never], 0.98)).toThrow(/variables\[0\]/);
    notAVariable.dispose();
    expect(() => decayFactor(-0.1, 0.2)).toThrow(/decayFactor: learningRate = -0.1/);
    w.dispose();
  });
});

/** A seeded regression problem y = x·w* + noise and a small MLP. */
function regressionData(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([128, 4], 0, 1, "float32", 11) as tf.Tensor2D;
    const w = tf.tensor2d([[1], [-2], [0.5], [3]]);
    const y = tf.add(tf.matMul(x, w), tf.randomNormal([128, 1], 0, 0.1, "float32", 12)) as tf.Tensor2D;
    return { x, y };
  });
}

function mlp(tag: string): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, inputShape: [4], activation: "tanh", name: `${tag}_hidden`, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 1, name: `${tag}_out`, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
}

describe("inside model.fit", () => {
  for (const [label, make] of [
    ["AdamW", () => adamW({ learningRate: 0.02, weightDecay: 0.01 })],
    ["AdamW amsgrad", () => adamW({ learningRate: 0.02, weightDecay: 0.01, amsgrad: true })],
    ["SGDW + Nesterov", () => sgdW({ learningRate: 0.02, weightDecay: 0.01, momentum: 0.9, nesterov: true })],
  ] as [string, () => tf.Optimizer][]) {
    it(`${label}: weights move, the loss falls, no tensors leak`, async () => {
      const { x, y } = regressionData();
      const model = mlp(`fit_${++runCount}`);
      const optimizer = make();
      model.compile({ optimizer, loss: "meanSquaredError" });
      const initial = model.getWeights().map((w) => Array.from(w.dataSync()));
      const first = await model.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
      const afterFirst = tf.memory().numTensors;
      const rest = await model.fit(x, y, { epochs: 30, batchSize: 32, shuffle: false, verbose: 0 });
      expect(tf.memory().numTensors).toBe(afterFirst);
      const losses = [...(first.history["loss"] as number[]), ...(rest.history["loss"] as number[])];
      expect(losses.at(-1)!).toBeLessThan(0.2 * losses[0]!);
      const moved = model.getWeights().map((w, i) => maxDifference({ w: Array.from(w.dataSync()) }, { w: initial[i]! }));
      moved.forEach((d) => expect(d).toBeGreaterThan(1e-3));
      expect(optimizer.iterations).toBe(31 * 4);
      model.dispose();
      optimizer.dispose();
      tf.dispose([x, y]);
    });
  }

  it("the learning-rate setter changes the step, also through clippedOptimizer", () => {
    for (const optimizer of [adamW({ learningRate: 0.1 }), sgdW({ learningRate: 0.1 })]) {
      optimizer.learningRate = 0.01;
      expect(optimizer.learningRate).toBe(0.01);
      expect(optimizer.getConfig()["learningRate"]).toBe(0.01);
      const w = variable([0], [], `lr_${++runCount}`);
      const g = tf.scalar(1);
      optimizer.applyGradients({ [w.name]: g });
      // Both take a step of exactly η here (Adam's first step is η·g/|g|, up to ε).
      expect(w.dataSync()[0]).toBeCloseTo(-0.01, 6);
      const wrapped = clippedOptimizer(optimizer, { mode: "globalNorm", maxNorm: 1 });
      wrapped.learningRate = 0.001;
      expect(optimizer.learningRate).toBe(0.001);
      expect(() => optimizer.setLearningRate(-1)).toThrow(/setLearningRate: learningRate = -1, expected a finite number >= 0/);
      tf.dispose([w, g]);
      wrapped.dispose();
    }
  });
});

describe("getWeights / setWeights", () => {
  async function roundTrip(make: () => AdamW | SGDW, rename: boolean): Promise<void> {
    const tag = `rt_${++runCount}`;
    const a = variable([1, 2], [1, 2], `${tag}/kernel`);
    const first = make();
    const grads = [tf.tensor2d([[0.5, -1]]), tf.tensor2d([[2, 0.25]]), tf.tensor2d([[-1, 1]])];
    for (const g of grads.slice(0, 2)) first.applyGradients({ [a.name]: g });
    const saved = await first.getWeights();
    // A copy of the variable (same name if `rename` is false: the same variable, reset) and a fresh optimizer.
    const b = rename ? variable(Array.from(a.dataSync()), [1, 2], `${tag}/kernel_1`) : null;
    const second = make();
    await second.setWeights(saved);
    const restored = await second.getWeights();
    expect(restored.map((w) => w.name)).toEqual(saved.map((w) => w.name));
    restored.forEach((w, i) => expect(Array.from(w.tensor.dataSync())).toEqual(Array.from(saved[i]!.tensor.dataSync())));
    expect(second.iterations).toBe(2);
    const snapshot = Array.from(a.dataSync());
    first.applyGradients({ [a.name]: grads[2]! });
    const expected = Array.from(a.dataSync());
    const target = b ?? a;
    if (b === null) tf.tidy(() => a.assign(tf.tensor2d([snapshot])));
    const before = tf.memory().numTensors;
    second.applyGradients({ [target.name]: grads[2]! });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(target.dataSync())).toEqual(expected);
    tf.dispose([saved[0]!.tensor, restored[0]!.tensor, ...grads, a, ...(b ? [b] : [])]);
    first.dispose();
    second.dispose();
  }

  it("AdamW (with amsgrad) restores the step count and moments: the next step is identical", async () => {
    await roundTrip(() => adamW({ learningRate: 0.1, weightDecay: 0.1, amsgrad: true }), false);
    await roundTrip(() => adamW({ learningRate: 0.1, weightDecay: 0.1 }), false);
  });

  it("SGDW restores its momentum buffers", async () => {
    await roundTrip(() => sgdW({ learningRate: 0.1, weightDecay: 0.1, momentum: 0.9 }), false);
  });

  it("loaded state binds by position to variables with other names (a rebuilt model), shapes checked", async () => {
    await roundTrip(() => adamW({ learningRate: 0.1, weightDecay: 0.1 }), true);
    await roundTrip(() => sgdW({ learningRate: 0.1, momentum: 0.5 }), true);
    const optimizer = adamW();
    const m = tf.zeros([2]);
    const iter = tf.scalar(3, "int32");
    await optimizer.setWeights([
      { name: "iter", tensor: iter },
      { name: "old/kernel/m", tensor: m },
      { name: "old/kernel/v", tensor: m },
    ]);
    const w = variable([0, 0, 0], [3], `shape_${++runCount}`);
    const g = tf.ones([3]);
    expect(() => optimizer.applyGradients({ [w.name]: g })).toThrow(/shape \[2\] of the loaded state of old\/kernel/);
    await expect(
      optimizer.setWeights([
        { name: "iter", tensor: iter },
        { name: "x/q", tensor: m },
      ]),
    ).rejects.toThrow(/slot one of m, v/);
    tf.dispose([m, iter, w, g]);
    optimizer.dispose();
  });

  it("survives model.save / tf.loadLayersModel with includeOptimizer", async () => {
    const { x, y } = regressionData();
    const model = mlp(`save_${++runCount}`);
    model.compile({ optimizer: adamW({ learningRate: 0.01, weightDecay: 0.05, amsgrad: true }), loss: "meanSquaredError" });
    await model.fit(x, y, { epochs: 2, batchSize: 64, shuffle: false, verbose: 0 });
    let artifacts: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
      }),
      { includeOptimizer: true },
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const optimizer = loaded.optimizer as unknown as AdamW;
    expect(optimizer).toBeInstanceOf(AdamW);
    expect(optimizer.getConfig()).toEqual(model.optimizer.getConfig());
    expect(optimizer.iterations).toBe(4);
    // One more epoch on both gives the same weights: the moments were restored and bound to the new variables.
    await model.fit(x, y, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 });
    await loaded.fit(x, y, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 });
    const a = model.getWeights().map((w) => Array.from(w.dataSync()));
    const b = loaded.getWeights().map((w) => Array.from(w.dataSync()));
    expect(b).toEqual(a);
    model.optimizer.dispose();
    optimizer.dispose();
    model.dispose();
    loaded.dispose();
    tf.dispose([x, y]);
  });
});

describe("serialization", () => {
  it("registers KernelLib>AdamW and KernelLib>SGDW and rebuilds the same config", () => {
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const optimizer of [
      adamW({ learningRate: 3e-4, beta1: 0.8, beta2: 0.95, epsilon: 1e-6, weightDecay: 0.1, amsgrad: true, excludeFromDecay: "none" }),
      sgdW({ learningRate: 0.05, weightDecay: 5e-4, momentum: 0.9, nesterov: true }),
    ]) {
      expect(map[optimizer.getClassName()]).toBeDefined();
      const rebuilt = buildOptimizer(optimizerSpec(optimizer));
      expect(rebuilt.getClassName()).toBe(optimizer.getClassName());
      expect(rebuilt.getConfig()).toEqual(optimizer.getConfig());
      const wrapped = buildOptimizer(optimizerSpec(clippedOptimizer(optimizer, { mode: "value", limit: 1 })));
      expect(wrapped.getConfig()["optimizer"]).toEqual({ className: optimizer.getClassName(), config: optimizer.getConfig() });
      rebuilt.dispose();
      wrapped.dispose();
    }
    expect(AdamW.className).toBe("KernelLib>AdamW");
    expect(SGDW.className).toBe("KernelLib>SGDW");
  });

  it('records a custom excludeFromDecay as "custom", which cannot be rebuilt without the function', () => {
    const optimizer = adamW({ excludeFromDecay: (name) => name.includes("embedding") });
    const spec = optimizerSpec(optimizer);
    expect(spec.config["excludeFromDecay"]).toBe("custom");
    expect(() => buildOptimizer(spec)).toThrow(/AdamW: excludeFromDecay = "custom".*pass the function again/);
  });
});

describe("bad input", () => {
  it("names the argument, its value and what was expected", () => {
    expect(() => adamW({ learningRate: -0.001 })).toThrow(/AdamW: learningRate = -0.001, expected a finite number >= 0/);
    expect(() => adamW({ weightDecay: -0.01 })).toThrow(/AdamW: weightDecay = -0.01, expected a finite number >= 0/);
    expect(() => adamW({ beta1: 1 })).toThrow(/AdamW: beta1 = 1, expected a number in \[0, 1\)/);
    expect(() => adamW({ beta2: -0.1 })).toThrow(/AdamW: beta2 = -0.1, expected a finite number in \[0, 1\]/);
    expect(() => adamW({ epsilon: -1 })).toThrow(/AdamW: epsilon = -1/);
    expect(() => adamW({ amsgrad: 1 as never })).toThrow(/AdamW: amsgrad = 1, expected a boolean/);
    expect(() => adamW({ learningRate: NaN })).toThrow(/AdamW: learningRate = NaN/);
    expect(() => sgdW({} as never)).toThrow(/SGDW: learningRate = undefined/);
    expect(() => sgdW({ learningRate: 0.1, weightDecay: -1 })).toThrow(/SGDW: weightDecay = -1/);
    expect(() => sgdW({ learningRate: 0.1, momentum: 1 })).toThrow(/SGDW: momentum = 1, expected a number in \[0, 1\)/);
    expect(() => sgdW({ learningRate: 0.1, nesterov: true })).toThrow(/SGDW: nesterov = true, expected false when momentum = 0/);
    expect(() => sgdW({ learningRate: 0.1, excludeFromDecay: 3 as never })).toThrow(/SGDW: excludeFromDecay = 3/);
    const optimizer = adamW();
    const g = tf.scalar(1);
    expect(() => optimizer.applyGradients({ no_such_variable_xyz: g })).toThrow(/AdamW.applyGradients: variableGradients = "no_such_variable_xyz"/);
    g.dispose();
    optimizer.dispose();
  });
});

describe("disposeOptimizer", () => {
  it("frees every tensor of a Momentum optimizer (tfjs's own dispose leaves its rate scalar) and of SGD, Adam, AdamW", () => {
    for (const make of [() => tf.train.momentum(0.1, 0.9, true), () => tf.train.sgd(0.1), () => tf.train.adam(0.01), () => adamW({ weightDecay: 0.01 })]) {
      const before = tf.memory().numTensors;
      const start = tf.ones([3]);
      const w = tf.variable(start);
      start.dispose();
      const optimizer = make();
      optimizer.minimize(() => w.square().sum());
      if (optimizer.getClassName() === "SGD" || optimizer.getClassName() === "Momentum") (optimizer as tf.SGDOptimizer).setLearningRate(0.05);
      disposeOptimizer(optimizer);
      w.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(() => disposeOptimizer(null)).not.toThrow();
  });
});

describe("instanceof", () => {
  it("tells kernel-lib's optimizers apart (tfjs's duck-typed Symbol.hasInstance would call every optimizer an AdamW)", () => {
    const sgd = tf.train.sgd(0.1);
    const adamw = adamW({ weightDecay: 0.01 });
    const clipped = clippedOptimizer(tf.train.sgd(0.1), { mode: "globalNorm", maxNorm: 1 });
    expect(sgd instanceof AdamW).toBe(false);
    expect(sgd instanceof SGDW).toBe(false);
    expect(adamw instanceof AdamW).toBe(true);
    expect(adamw instanceof SGDW).toBe(false);
    expect(sgd instanceof ClippedOptimizer).toBe(false);
    expect(clipped instanceof ClippedOptimizer).toBe(true);
    for (const o of [sgd, adamw, clipped]) expect(o instanceof tf.Optimizer).toBe(true);
    [sgd, adamw, clipped].forEach((o) => o.dispose());
  });
});
