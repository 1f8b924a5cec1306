import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  CLASS_NAME_PREFIX,
  TRUNCATED_NORMAL_STD,
  FanScaledInitializer,
  HeNormalInitializer,
  InitializerBase,
  calculateGain,
  computeFans,
  constant,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  isRegisteredInitializer,
  lecunNormal,
  lecunUniform,
  normal,
  orthogonal,
  orthonormalColumns,
  registerInitializer,
  truncatedNormal,
  uniform,
  uniformInverseSqrtFanIn,
  zeros,
  type TfInitializer,
} from "../../kernel-lib/src/initializers";
import { Rng, initBackend, seed, tf } from "../../kernel-lib/src/index";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const DENSE = [400, 300]; // fanIn 400, fanOut 300
const CONV = [3, 3, 64, 128]; // receptive field 9: fanIn 576, fanOut 1152

/** Draws one tensor and returns its values, freeing the tensor. */
function draw(init: TfInitializer, shape: number[]): Float32Array {
  const t = init.apply(shape, "float32");
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

function moments(values: ArrayLike<number>): { mean: number; variance: number; min: number; max: number } {
  const n = values.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    sum += values[i]!;
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  return { mean, variance: ss / (n - 1), min, max };
}

/**
 * Checks the sample mean and variance against the formula, within 5 standard errors. The standard error of the
 * mean is √(var/n); of the sample variance var·√((κ − 1)/n) with κ the kurtosis: 3 for a normal (the familiar
 * var·√(2/(n−1))), 1.8 for a uniform. A truncated normal (κ < 3) is checked with the normal's, wider, bound.
 */
function expectMoments(values: Float32Array, expected: { mean: number; variance: number; kind: "normal" | "uniform" }): void {
  const n = values.length;
  const { mean, variance } = moments(values);
  const kurtosisMinusOne = expected.kind === "normal" ? 2 : 0.8;
  expect(Math.abs(mean - expected.mean)).toBeLessThan(5 * Math.sqrt(expected.variance / n));
  expect(Math.abs(variance - expected.variance)).toBeLessThan(5 * expected.variance * Math.sqrt(kurtosisMinusOne / (n - 1)));
}

describe("computeFans", () => {
  it("reads dense and conv kernels in tfjs's layout", () => {
    expect(computeFans([400, 300])).toEqual({ fanIn: 400, fanOut: 300, receptiveField: 1 });
    expect(computeFans([3, 3, 64, 128])).toEqual({ fanIn: 576, fanOut: 1152, receptiveField: 9 });
    expect(computeFans([5, 16, 32])).toEqual({ fanIn: 80, fanOut: 160, receptiveField: 5 }); // conv1d [k, in, out]
    expect(computeFans([2, 3, 3, 4, 8])).toEqual({ fanIn: 72, fanOut: 144, receptiveField: 18 }); // conv3d
  });

  it("rejects shapes of rank < 2 and non-positive dimensions", () => {
    expect(() => computeFans([10])).toThrow(/computeFans: shape = \[10\], expected a shape of rank >= 2/);
    expect(() => computeFans([])).toThrow(/computeFans: shape = \[\], expected a shape of rank >= 2/);
    expect(() => computeFans([3, 0])).toThrow(/computeFans: shape\[1\] = 0, expected an integer >= 1/);
    expect(() => computeFans([3, 2.5])).toThrow(/shape\[1\] = 2.5/);
  });
});

describe("calculateGain", () => {
  it("matches PyTorch's table", () => {
    // The table of torch.nn.init.calculate_gain (PyTorch docs, torch/nn/init.py, 1.13 and later), written out as
    // decimals: Linear/Conv{1,2,3}D/Sigmoid 1, Tanh 5/3, ReLU sqrt(2), Leaky ReLU sqrt(2/(1+negative_slope^2)) with
    // negative_slope defaulting to 0.01, SELU 3/4. (PyTorch is not installed here: these are the table's values,
    // not numbers printed by running it.)
    const table: [Parameters<typeof calculateGain>[0], number | undefined, number][] = [
      ["linear", undefined, 1],
      ["conv1d", undefined, 1],
      ["conv2d", undefined, 1],
      ["conv3d", undefined, 1],
      ["sigmoid", undefined, 1],
      ["tanh", undefined, 1.6666666666666667],
      ["relu", undefined, 1.4142135623730951],
      ["leakyRelu", undefined, 1.4141428569978354], // negative_slope 0.01
      ["leakyRelu", 0.2, 1.3867504905630728],
      ["leakyRelu", 0, 1.4142135623730951],
      ["selu", undefined, 0.75],
    ];
    for (const [name, param, gain] of table) expect(calculateGain(name, param)).toBeCloseTo(gain, 15);
  });

  it("rejects unknown nonlinearities, listing the allowed names", () => {
    // @ts-expect-error a name the type does not allow, as a notebook might pass
    expect(() => calculateGain("swish")).toThrow(/calculateGain: nonlinearity = "swish", expected one of "linear", .*"leakyRelu", "selu"/);
    expect(() => calculateGain("leakyRelu", NaN)).toThrow(/calculateGain: param .* = NaN/);
  });
});

describe("fan-based and simple initializers: mean and variance match their formulas", () => {
  // Each case: a factory, the expected variance for fans (fanIn, fanOut), the distribution, and the mean.
  const cases: { name: string; make: () => TfInitializer; variance: (fanIn: number, fanOut: number) => number; kind: "normal" | "uniform"; mean?: number }[] = [
    { name: "glorotNormal", make: () => glorotNormal({ seed: 1 }), variance: (i, o) => 2 / (i + o), kind: "normal" },
    { name: "glorotNormal gain 5/3", make: () => glorotNormal({ gain: 5 / 3, seed: 2 }), variance: (i, o) => (25 / 9) * (2 / (i + o)), kind: "normal" },
    { name: "glorotUniform", make: () => glorotUniform({ seed: 3 }), variance: (i, o) => 2 / (i + o), kind: "uniform" },
    { name: "heNormal fanIn", make: () => heNormal({ seed: 4 }), variance: (i) => 2 / i, kind: "normal" },
    { name: "heNormal fanOut", make: () => heNormal({ mode: "fanOut", seed: 5 }), variance: (_i, o) => 2 / o, kind: "normal" },
    { name: "heUniform fanIn", make: () => heUniform({ seed: 6 }), variance: (i) => 2 / i, kind: "uniform" },
    { name: "heUniform fanOut", make: () => heUniform({ mode: "fanOut", seed: 7 }), variance: (_i, o) => 2 / o, kind: "uniform" },
    {
      name: "heNormal leakyRelu 0.2",
      make: () => heNormal({ nonlinearity: "leakyRelu", negativeSlope: 0.2, seed: 8 }),
      variance: (i) => 2 / (1 + 0.04) / i,
      kind: "normal",
    },
    {
      name: "heUniform tanh fanOut",
      make: () => heUniform({ nonlinearity: "tanh", mode: "fanOut", seed: 9 }),
      variance: (_i, o) => 25 / 9 / o,
      kind: "uniform",
    },
    { name: "lecunNormal", make: () => lecunNormal({ seed: 10 }), variance: (i) => 1 / i, kind: "normal" },
    { name: "lecunUniform", make: () => lecunUniform({ seed: 11 }), variance: (i) => 1 / i, kind: "uniform" },
    { name: "uniformInverseSqrtFanIn", make: () => uniformInverseSqrtFanIn({ seed: 12 }), variance: (i) => 1 / (3 * i), kind: "uniform" },
    { name: "normal", make: () => normal({ mean: 0.5, std: 0.1, seed: 13 }), variance: () => 0.01, kind: "normal", mean: 0.5 },
    { name: "uniform", make: () => uniform({ min: -0.2, max: 0.6, seed: 14 }), variance: () => 0.8 ** 2 / 12, kind: "uniform", mean: 0.2 },
    { name: "truncatedNormal", make: () => truncatedNormal({ mean: 0.1, std: 0.05, seed: 15 }), variance: () => 0.05 ** 2, kind: "normal", mean: 0.1 },
  ];

  for (const { name, make, variance, kind, mean } of cases) {
    for (const shape of [DENSE, CONV]) {
      it(`${name} on [${shape.join(", ")}]`, () => {
        const { fanIn, fanOut } = computeFans(shape);
        const expected = { mean: mean ?? 0, variance: variance(fanIn, fanOut), kind };
        const values = draw(make(), shape);
        expect(values.length).toBe(shape.reduce((p, d) => p * d, 1));
        expectMoments(values, expected);
        if (kind === "uniform") {
          // Bounds hold exactly (up to the float32 rounding of the bound): mean ± √(3·var), and the draws reach near them.
          const bound = Math.sqrt(3 * expected.variance);
          const { min, max } = moments(values);
          expect(min).toBeGreaterThanOrEqual(Math.fround(expected.mean - bound) - 1e-7 * bound);
          expect(max).toBeLessThanOrEqual(Math.fround(expected.mean + bound) + 1e-7 * bound);
          expect(max - min).toBeGreaterThan(0.999 * 2 * bound);
        }
      });
    }
  }

  it("uniform bounds are the papers' closed forms", () => {
    // Glorot & Bengio eq. 16: sqrt(6/(fanIn+fanOut)); He: sqrt(3)·sqrt(2)/sqrt(fanIn) = sqrt(6/fanIn); LeCun sqrt(3/fanIn); old heuristic 1/sqrt(fanIn).
    const scale = (init: TfInitializer, shape: number[]) => (init as FanScaledInitializer).scale(shape);
    expect(scale(glorotUniform({ seed: 1 }), DENSE).bound).toBeCloseTo(Math.sqrt(6 / 700), 15);
    expect(scale(heUniform({ seed: 1 }), CONV).bound).toBeCloseTo(Math.sqrt(6 / 576), 15);
    expect(scale(heUniform({ mode: "fanOut", seed: 1 }), CONV).bound).toBeCloseTo(Math.sqrt(6 / 1152), 15);
    expect(scale(lecunUniform({ seed: 1 }), DENSE).bound).toBeCloseTo(Math.sqrt(3 / 400), 15);
    expect(scale(uniformInverseSqrtFanIn({ seed: 1 }), DENSE).bound).toBeCloseTo(1 / Math.sqrt(400), 15);
    const he = scale(heNormal({ seed: 1 }), DENSE);
    expect(he).toMatchObject({ fanIn: 400, fanOut: 300, receptiveField: 1, bound: null });
    expect(he.std).toBeCloseTo(Math.sqrt(2 / 400), 15);
  });

  it("zeros and constant fill exactly, in the dtype asked for", () => {
    expect(Array.from(draw(zeros(), [2, 3]))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(draw(constant({ value: 0.25 }), [4]))).toEqual([0.25, 0.25, 0.25, 0.25]);
    const t = constant({ value: 3 }).apply([2], "int32");
    expect(t.dtype).toBe("int32");
    t.dispose();
  });
});

describe("truncatedNormal", () => {
  it("the correction constant is the std of N(0, 1) truncated to [-2, 2]", () => {
    // Simpson's rule on [-2, 2] for the second moment of the standard normal density, over its mass.
    const steps = 2000;
    const h = 4 / steps;
    let mass = 0;
    let second = 0;
    for (let k = 0; k <= steps; k++) {
      const x = -2 + k * h;
      const w = k === 0 || k === steps ? 1 : k % 2 === 1 ? 4 : 2;
      const density = Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
      mass += w * density;
      second += w * x * x * density;
    }
    expect(Math.sqrt(second / mass)).toBeCloseTo(TRUNCATED_NORMAL_STD, 10);
  });

  it("has the requested std and stays within mean ± 2 std of the underlying normal", () => {
    const values = draw(truncatedNormal({ mean: 0, std: 1, seed: 21 }), DENSE);
    expectMoments(values, { mean: 0, variance: 1, kind: "normal" });
    const { min, max } = moments(values);
    const bound = 2 / TRUNCATED_NORMAL_STD;
    expect(min).toBeGreaterThanOrEqual(-bound - 1e-6);
    expect(max).toBeLessThanOrEqual(bound + 1e-6);
    expect(max).toBeGreaterThan(0.99 * bound);
  });

  it("documents the tfjs bug (#8594): tfjs's own truncatedNormal has std ~0.88x the requested one", () => {
    const t = tf.initializers.truncatedNormal({ mean: 0, stddev: 1, seed: 22 }).apply(DENSE, "float32");
    const values = t.dataSync() as Float32Array;
    t.dispose();
    // Its variance is TRUNCATED_NORMAL_STD² ≈ 0.774, not 1.
    expectMoments(values, { mean: 0, variance: TRUNCATED_NORMAL_STD ** 2, kind: "normal" });
    expect(Math.sqrt(moments(values).variance)).toBeLessThan(0.9);
  });
});

describe("orthogonal", () => {
  /** Max |G − target·I| for the Gram matrix G of the columns (or of the rows) of a [rows, cols] matrix, in float64. */
  function gramDeviation(values: Float32Array, rows: number, cols: number, of: "columns" | "rows", target: number): number {
    const [outer, inner] = of === "columns" ? [cols, rows] : [rows, cols];
    const at = (a: number, k: number) => (of === "columns" ? values[k * cols + a]! : values[a * cols + k]!);
    let worst = 0;
    for (let a = 0; a < outer; a++) {
      for (let b = a; b < outer; b++) {
        let dot = 0;
        for (let k = 0; k < inner; k++) dot += at(a, k) * at(b, k);
        worst = Math.max(worst, Math.abs(dot - (a === b ? target : 0)));
      }
    }
    return worst;
  }

  const shapes: { label: string; shape: number[]; gain: number }[] = [
    { label: "square", shape: [64, 64], gain: 1 },
    { label: "tall", shape: [300, 100], gain: 1 },
    { label: "tall, gain 2", shape: [300, 100], gain: 2 },
    { label: "wide", shape: [100, 300], gain: 1 },
    { label: "conv [3, 3, 64, 128]", shape: CONV, gain: 1 },
    { label: "wide conv [3, 3, 8, 128]", shape: [3, 3, 8, 128], gain: Math.SQRT2 },
  ];
  for (const { label, shape, gain } of shapes) {
    it(`gives orthonormal columns (rows when wide) times gain: ${label}`, () => {
      const cols = shape[shape.length - 1]!;
      const rows = shape.reduce((p, d) => p * d, 1) / cols;
      const values = draw(orthogonal({ gain, seed: 31 }), shape);
      const of = rows >= cols ? "columns" : "rows";
      expect(gramDeviation(values, rows, cols, of, gain * gain)).toBeLessThan(1e-4 * gain * gain);
    });
  }

  it("orthonormalColumns is a QR with positive diagonal: R = QᵀA is upper triangular with R_jj > 0", () => {
    const r = new Rng(5);
    const [m, n] = [7, 4];
    const a = Float64Array.from({ length: m * n }, () => r.normal());
    const q = orthonormalColumns(a, m, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rij = 0;
        for (let k = 0; k < m; k++) rij += q[k * n + i]! * a[k * n + j]!;
        if (i > j) expect(Math.abs(rij)).toBeLessThan(1e-12);
        if (i === j) expect(rij).toBeGreaterThan(0);
      }
    }
  });

  it("has no sign bias (the sign correction makes Q Haar-distributed): diagonal entries are positive half the time", () => {
    const init = orthogonal({ seed: 32 });
    const draws = 400;
    let positive = 0;
    for (let d = 0; d < draws; d++) {
      const v = draw(init, [3, 3]);
      if (v[0]! > 0) positive++;
      if (v[4]! > 0) positive++;
    }
    // Without the correction, Householder QR would make Q[0][0] always negative. 800 fair coin flips: sd ≈ 14.
    expect(Math.abs(positive - draws)).toBeLessThan(80);
  });

  it("square Haar matrices have entries of mean 0 and variance 1/n", () => {
    const n = 200;
    const values = draw(orthogonal({ seed: 33 }), [n, n]);
    const { mean, variance } = moments(values);
    // The sum of all entries, 1ᵀQ1, is ~N(0, n) for a Haar Q, so the mean of the n² entries has sd n^(-3/2).
    expect(Math.abs(mean)).toBeLessThan(5 * n ** -1.5);
    expect(Math.abs(variance - 1 / 200)).toBeLessThan(0.05 / 200);
  });
});

describe("seeding", () => {
  const factories: [string, (s?: number) => TfInitializer][] = [
    ["normal", (s) => normal({ seed: s })],
    ["uniform", (s) => uniform({ seed: s })],
    ["truncatedNormal", (s) => truncatedNormal({ seed: s })],
    ["glorotNormal", (s) => glorotNormal({ seed: s })],
    ["glorotUniform", (s) => glorotUniform({ seed: s })],
    ["heNormal", (s) => heNormal({ seed: s })],
    ["heUniform", (s) => heUniform({ seed: s })],
    ["lecunNormal", (s) => lecunNormal({ seed: s })],
    ["lecunUniform", (s) => lecunUniform({ seed: s })],
    ["uniformInverseSqrtFanIn", (s) => uniformInverseSqrtFanIn({ seed: s })],
    ["orthogonal", (s) => orthogonal({ seed: s })],
  ];
  for (const [name, make] of factories) {
    it(`${name}: same seed gives identical values, another seed different ones; seed(n) repeats unseeded ones`, () => {
      const shape = [20, 10];
      expect(draw(make(7), shape)).toEqual(draw(make(7), shape));
      expect(draw(make(7), shape)).not.toEqual(draw(make(8), shape));
      seed(2024);
      const first = draw(make(), shape);
      seed(2024);
      expect(draw(make(), shape)).toEqual(first);
    });
  }

  it("one initializer applied twice gives two different tensors, in a repeatable sequence", () => {
    const a = heNormal({ seed: 5 });
    const b = heNormal({ seed: 5 });
    const a1 = draw(a, [10, 10]);
    const a2 = draw(a, [10, 10]);
    expect(a2).not.toEqual(a1);
    expect(draw(b, [10, 10])).toEqual(a1);
    expect(draw(b, [10, 10])).toEqual(a2);
  });
});

describe("memory", () => {
  it("apply returns one tensor and leaves nothing else behind", () => {
    const inits: TfInitializer[] = [
      zeros(),
      constant({ value: 1 }),
      normal(),
      uniform(),
      truncatedNormal(),
      glorotNormal(),
      glorotUniform(),
      heNormal(),
      heUniform(),
      lecunNormal(),
      lecunUniform(),
      uniformInverseSqrtFanIn(),
      orthogonal(),
    ];
    for (const init of inits) {
      const before = tf.memory().numTensors;
      const t = init.apply([12, 8], "float32");
      expect(tf.memory().numTensors).toBe(before + 1);
      t.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe("serialization", () => {
  /** Saves a model to memory and loads it back. */
  async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
      }),
    );
    return tf.loadLayersModel(tf.io.fromMemory(saved!));
  }

  const inits: [string, () => TfInitializer][] = [
    ["zeros", () => zeros()],
    ["constant", () => constant({ value: -0.5 })],
    ["normal", () => normal({ mean: 1, std: 0.5, seed: 41 })],
    ["uniform", () => uniform({ min: -1, max: 2, seed: 42 })],
    ["truncatedNormal", () => truncatedNormal({ mean: 0.2, std: 0.1, seed: 43 })],
    ["glorotNormal", () => glorotNormal({ gain: 2, seed: 44 })],
    ["glorotUniform", () => glorotUniform({ seed: 45 })],
    ["heNormal", () => heNormal({ mode: "fanOut", nonlinearity: "leakyRelu", negativeSlope: 0.1, seed: 46 })],
    ["heUniform", () => heUniform({ nonlinearity: "conv2d", seed: 47 })],
    ["lecunNormal", () => lecunNormal({ seed: 48 })],
    ["lecunUniform", () => lecunUniform({ seed: 49 })],
    ["uniformInverseSqrtFanIn", () => uniformInverseSqrtFanIn({ seed: 50 })],
    ["orthogonal", () => orthogonal({ gain: 1.5, seed: 51 })],
  ];

  // Fan-based initializers need a shape of rank >= 2, so (as in PyTorch) they cannot initialize a bias.
  const shapeFree = new Set(["zeros", "constant", "normal", "uniform", "truncatedNormal"]);
  for (const [name, make] of inits) {
    const forBias = shapeFree.has(name);
    it(`a dense and a conv model using ${name} survive save/load with the same config and weights`, async () => {
      const before = tf.memory().numTensors;
      const init = make();
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, kernelInitializer: make(), biasInitializer: forBias ? make() : zeros() }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 4, kernelInitializer: init, biasInitializer: constant({ value: 0.1 }) }),
        ],
      });
      const loaded = await roundTrip(model);
      const denseConfig = model.layers[2]!.getConfig();
      expect(denseConfig.kernelInitializer).toEqual({ className: init.getClassName(), config: init.getConfig() });
      expect(String((denseConfig.kernelInitializer as { className: string }).className)).toMatch(/^KernelLib>/);
      for (let i = 0; i < model.layers.length; i++) expect(loaded.layers[i]!.getConfig()).toEqual(model.layers[i]!.getConfig());
      const restored = (loaded.layers[2] as unknown as { kernelInitializer: TfInitializer }).kernelInitializer;
      expect(restored.constructor).toBe(init.constructor);
      expect(restored.getConfig()).toEqual(init.getConfig());
      const original = model.getWeights();
      const reloaded = loaded.getWeights();
      expect(reloaded.length).toBe(original.length);
      for (let i = 0; i < original.length; i++) expect(reloaded[i]!.dataSync()).toEqual(original[i]!.dataSync());
      model.dispose();
      loaded.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("every initializer is a tfjs Initializer registered under a KernelLib> name", () => {
    for (const [, make] of inits) {
      const init = make();
      expect(init).toBeInstanceOf(InitializerBase);
      expect(init.getClassName().startsWith(CLASS_NAME_PREFIX)).toBe(true);
      expect(isRegisteredInitializer(init.getClassName())).toBe(true);
    }
  });

  it("registration is idempotent, also when the module is evaluated again (a notebook re-import)", async () => {
    const names = () => Object.keys(tf.serialization.SerializationMap.getMap().classNameMap).filter((n) => n.startsWith(CLASS_NAME_PREFIX));
    const count = names().length;
    registerInitializer(HeNormalInitializer);
    registerInitializer(HeNormalInitializer);
    expect(names().length).toBe(count);
    const made = heNormal({ seed: 3 }); // an instance of the class from the first evaluation
    vi.resetModules();
    const fresh = await import("../../kernel-lib/src/initializers/index.js");
    expect(fresh.HeNormalInitializer).not.toBe(HeNormalInitializer);
    expect(names().length).toBe(count);
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, kernelInitializer: made })] });
    const loaded = await roundTrip(model);
    expect(loaded.layers[0]!.getConfig()).toEqual(model.layers[0]!.getConfig());
    model.dispose();
    loaded.dispose();
  });
});

describe("argument errors name the argument, the value and the expected range", () => {
  it("rejects bad options and shapes", () => {
    expect(() => heNormal({ seed: 1 }).apply([10])).toThrow(/heNormal: shape = \[10\], expected a shape of rank >= 2/);
    expect(() => glorotUniform({ seed: 1 }).apply([7])).toThrow(/glorotUniform: shape = \[7\]/);
    expect(() => orthogonal({ seed: 1 }).apply([7])).toThrow(/orthogonal: shape = \[7\], expected a shape of rank >= 2/);
    expect(() => lecunNormal({ seed: 1 }).apply([3, 0])).toThrow(/lecunNormal: shape\[1\] = 0, expected an integer >= 1/);
    expect(() => normal({ std: -1 })).toThrow(/normal: options.std = -1, expected a finite number >= 0/);
    expect(() => truncatedNormal({ std: -0.1 })).toThrow(/truncatedNormal: options.std = -0.1, expected a finite number >= 0/);
    expect(() => uniform({ min: 1, max: 1 })).toThrow(/uniform: options.max = 1, expected a number > options.min = 1/);
    expect(() => uniform({ min: 2, max: 1 })).toThrow(/uniform: options.max = 1/);
    expect(() => constant({ value: NaN })).toThrow(/constant: options.value = NaN, expected a finite number/);
    // @ts-expect-error a name the type does not allow
    expect(() => heNormal({ nonlinearity: "swish" })).toThrow(/heNormal: options.nonlinearity = "swish", expected one of "linear", .*"relu"/);
    // @ts-expect-error Keras's spelling, not ours
    expect(() => heUniform({ mode: "fan_avg" })).toThrow(/heUniform: options.mode = "fan_avg", expected one of "fanIn", "fanOut"/);
    expect(() => glorotUniform({ gain: 0 })).toThrow(/glorotUniform: options.gain = 0, expected a finite number > 0/);
    expect(() => glorotNormal({ gain: -2 })).toThrow(/glorotNormal: options.gain = -2, expected a finite number > 0/);
    expect(() => orthogonal({ gain: 0 })).toThrow(/orthogonal: options.gain = 0, expected a finite number > 0/);
    expect(() => normal({ seed: 1.5 })).toThrow(/normal: options.seed = 1.5, expected an integer/);
    expect(() => normal({ seed: 1 }).apply([2, 2], "int32")).toThrow(/normal: dtype = "int32", expected "float32"/);
  });
});
