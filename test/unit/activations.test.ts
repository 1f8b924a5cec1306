import { beforeAll, describe, expect, it } from "vitest";
import {
  ACTIVATION_NAMES,
  ACTIVATIONS,
  LECUN_TANH_SCALE,
  LecunTanh,
  activation,
  activationCurves,
  cascadeDerivative,
  derivativeProduct,
  gaussianOutputMoments,
  lecunTanh,
  lecunTanhLayer,
  registerLecunTanh,
  type ScalarActivation,
} from "../../kernel-lib/src/activations";
import { Rng } from "../../kernel-lib/src/random";
import { initBackend, tf } from "../../kernel-lib/src/index";

/** CS231n's relative error |a - b| / max(|a|, |b|), 0 when both are 0. */
function relativeError(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

/** Evenly spaced points from `from` to `to`, both included. */
function grid(from: number, to: number, points: number): number[] {
  return Array.from({ length: points }, (_, i) => from + ((to - from) * i) / (points - 1));
}

/** Every activation, with default and with non-default options. */
const ALL: ScalarActivation[] = [
  ...ACTIVATION_NAMES.map((name) => ACTIVATIONS[name]),
  activation("leakyRelu", { negativeSlope: 0.2 }),
  activation("leakyRelu", { negativeSlope: 0 }),
  activation("elu", { alpha: 0.5 }),
  activation("elu", { alpha: 2 }),
];
const KINKED = new Set(["relu", "leakyRelu", "elu"]);

describe("activations on numbers", () => {
  it("derivatives match central finite differences (relative error < 1e-6 in float64)", () => {
    const h = 1e-5;
    // 241 points on [-6, 6]; the kinked ones skip |x| < 2h, where the difference quotient straddles the kink.
    for (const f of ALL) {
      let worst = 0;
      for (const x of grid(-6, 6, 241)) {
        if (KINKED.has(f.name) && Math.abs(x) < 2 * h) continue;
        const numeric = (f.value(x + h) - f.value(x - h)) / (2 * h);
        worst = Math.max(worst, relativeError(numeric, f.derivative(x)));
      }
      expect(worst, f.label).toBeLessThan(1e-6);
    }
  });

  it("states the formulas' values at known points", () => {
    expect(ACTIVATIONS.sigmoid.value(0)).toBe(0.5);
    expect(ACTIVATIONS.sigmoid.value(-800)).toBe(0); // no overflow warning, no NaN
    expect(ACTIVATIONS.sigmoid.derivative(40)).toBeGreaterThan(0); // σ(x)σ(-x) keeps the tiny tail that σ(1-σ) rounds to 0
    expect(ACTIVATIONS.tanh.derivative(20)).toBeCloseTo(4 * Math.exp(-40), 50);
    expect(ACTIVATIONS.relu.value(-3)).toBe(0);
    expect(ACTIVATIONS.relu.derivative(0)).toBe(0); // tfjs's convention at the kink
    expect(ACTIVATIONS.leakyRelu.value(-2)).toBeCloseTo(-0.02, 15);
    expect(ACTIVATIONS.leakyRelu.derivative(-2)).toBe(0.01);
    expect(ACTIVATIONS.elu.value(-50)).toBeCloseTo(-1, 12);
    expect(activation("elu", { alpha: 2 }).value(-50)).toBeCloseTo(-2, 12);
    expect(ACTIVATIONS.elu.derivative(0)).toBe(1);
  });

  it("LeCun's tanh: f(±1) = ±1 and the maximum derivative 1.7159 · 2/3 ≈ 1.1439 at 0", () => {
    const f = ACTIVATIONS.lecunTanh;
    expect(f.value(1)).toBeCloseTo(1, 5); // 0.99999726
    expect(f.value(-1)).toBeCloseTo(-1, 5);
    expect(f.value(3)).toBeCloseTo(LECUN_TANH_SCALE * Math.tanh(2), 15);
    expect(f.maxDerivative).toBeCloseTo(1.14393, 5);
    expect(f.derivative(0)).toBe(f.maxDerivative);
    expect(f.range).toEqual([-1.7159, 1.7159]);
  });

  it("maxDerivative is the supremum of f' (sigmoid 1/4, tanh 1, ReLU 1, ELU max(1, α))", () => {
    expect(ACTIVATIONS.sigmoid.maxDerivative).toBe(0.25);
    expect(ACTIVATIONS.sigmoid.derivative(0)).toBe(0.25);
    expect(ACTIVATIONS.tanh.maxDerivative).toBe(1);
    expect(ACTIVATIONS.relu.maxDerivative).toBe(1);
    expect(activation("elu", { alpha: 2 }).maxDerivative).toBe(2);
    for (const f of ALL) {
      const sampled = Math.max(...grid(-8, 8, 1601).map((x) => f.derivative(x)));
      expect(sampled, f.label).toBeLessThanOrEqual(f.maxDerivative);
      expect(sampled, f.label).toBeGreaterThan(f.maxDerivative * 0.99); // reached (or approached, ELU with α > 1)
    }
  });

  it("labels show non-default options and the options in effect", () => {
    expect(ACTIVATIONS.leakyRelu.label).toBe("leakyRelu");
    expect(ACTIVATIONS.leakyRelu.options).toEqual({ negativeSlope: 0.01 });
    expect(activation("leakyRelu", { negativeSlope: 0.2 }).label).toBe("leakyRelu(negativeSlope=0.2)");
    expect(ACTIVATIONS.sigmoid.options).toEqual({});
    expect(ACTIVATIONS.lecunTanh.formula).toContain("1.7159");
  });
});

describe("gradient through a stack of layers (lecture 001)", () => {
  it("derivativeProduct: sigmoid passes at best 0.25^depth, ReLU 1 for x > 0 and 0 for x < 0", () => {
    expect(derivativeProduct("sigmoid", 10, 0)).toBe(0.25 ** 10);
    for (const x of grid(-5, 5, 41)) expect(derivativeProduct("sigmoid", 10, x)).toBeLessThanOrEqual(0.25 ** 10);
    expect(derivativeProduct("tanh", 10, 0)).toBe(1);
    expect(derivativeProduct("lecunTanh", 10, 0)).toBeCloseTo(1.1439333 ** 10, 5);
    expect(derivativeProduct("relu", 50, 0.3)).toBe(1);
    expect(derivativeProduct("relu", 50, -0.3)).toBe(0);
    expect(derivativeProduct(activation("leakyRelu", { negativeSlope: 0.1 }), 3, -1)).toBeCloseTo(1e-3, 15);
    expect(derivativeProduct("sigmoid", 0, 7)).toBe(1);
  });

  it("cascadeDerivative is the chain rule: matches a finite difference of the cascade's output", () => {
    const h = 1e-6;
    for (const f of ALL) {
      for (const [input, weight, bias] of [
        [0.7, 1, 0],
        [-0.4, 1.5, 0.2],
        [1.3, 0.8, -0.1],
      ] as const) {
        const out = (x: number) => cascadeDerivative(f, 6, x, { weight, bias }).output;
        const numeric = (out(input + h) - out(input - h)) / (2 * h);
        const result = cascadeDerivative(f, 6, input, { weight, bias });
        if (KINKED.has(f.name) && result.preActivations.some((n) => Math.abs(n) < 1e-4)) continue;
        expect(relativeError(numeric, result.derivative), `${f.label} at ${input}`).toBeLessThan(1e-6);
        expect(result.factors).toHaveLength(6);
      }
    }
  });

  it("cascaded sigmoids shrink the gradient below 0.25^depth; cascaded ReLUs keep it", () => {
    const sigmoid = cascadeDerivative("sigmoid", 10, 0);
    expect(sigmoid.derivative).toBeLessThan(0.25 ** 10);
    expect(sigmoid.output).toBeCloseTo(0.659, 3); // the fixed point a = σ(a)
    expect(sigmoid.factors[9]).toBeCloseTo(0.2247, 4);
    const relu = cascadeDerivative("relu", 10, 0.5);
    expect(relu.derivative).toBe(1);
    expect(relu.output).toBe(0.5);
    expect(cascadeDerivative("relu", 10, 0.5, { weight: 2 }).derivative).toBe(2 ** 10);
    expect(cascadeDerivative("tanh", 0, 0.3)).toEqual({ output: 0.3, derivative: 1, preActivations: [], factors: [] });
  });
});

describe("output variance for standardized inputs (lecture 004)", () => {
  it("quadrature: LeCun's tanh keeps the variance of N(0, 1) inputs far better than tanh or sigmoid", () => {
    const lecun = gaussianOutputMoments("lecunTanh");
    const tanh = gaussianOutputMoments("tanh");
    const sigmoid = gaussianOutputMoments("sigmoid");
    expect(lecun.mean).toBeCloseTo(0, 12);
    // "Close to 1" in the lecture; exactly, Var[1.7159 tanh(2x/3)] = 0.7504 for x ~ N(0, 1).
    expect(lecun.variance).toBeCloseTo(0.7504, 4);
    expect(tanh.variance).toBeCloseTo(0.3943, 4);
    expect(sigmoid.variance).toBeCloseTo(0.04338, 5);
    expect(sigmoid.mean).toBeCloseTo(0.5, 12);
    // ReLU of N(0, 1): mean 1/sqrt(2π), variance 1/2 - 1/(2π), known in closed form.
    const relu = gaussianOutputMoments("relu");
    expect(relu.mean).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 9);
    expect(relu.variance).toBeCloseTo(0.5 - 1 / (2 * Math.PI), 9);
    // Inputs ±1 (std 1) come out ±1: variance 1.
    expect(ACTIVATIONS.lecunTanh.value(1) ** 2).toBeCloseTo(1, 4); // 0.9999945
    // Unit output variance needs Gaussian inputs of std ≈ 1.288.
    expect(gaussianOutputMoments("lecunTanh", { std: 1.288 }).variance).toBeCloseTo(1, 3);
    expect(gaussianOutputMoments("tanh", { mean: 0.3, std: 0 })).toEqual({ mean: Math.tanh(0.3), variance: 0, std: 0 });
  });

  it("Monte Carlo with a seeded Rng agrees with the quadrature within 4 standard errors", () => {
    const rng = new Rng(2024);
    const n = 100_000;
    const f = ACTIVATIONS.lecunTanh;
    const ys = Array.from({ length: n }, () => f.value(rng.normal()));
    const mean = ys.reduce((s, y) => s + y, 0) / n;
    const variance = ys.reduce((s, y) => s + (y - mean) ** 2, 0) / (n - 1);
    const fourth = ys.reduce((s, y) => s + (y - mean) ** 4, 0) / n;
    // Standard error of a sample variance: sqrt((μ4 - σ⁴) / n).
    const standardError = Math.sqrt((fourth - variance ** 2) / n);
    expect(standardError).toBeLessThan(0.003);
    expect(Math.abs(variance - gaussianOutputMoments(f).variance)).toBeLessThan(4 * standardError);
    expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(variance / n));
  });
});

describe("activationCurves", () => {
  it("gives one row per point and activation, for lineChart", () => {
    const rows = activationCurves(["sigmoid", activation("elu", { alpha: 0.5 })], { from: -2, to: 2, points: 5 });
    expect(rows).toHaveLength(10);
    expect(rows[2]).toEqual({ activation: "sigmoid", x: 0, value: 0.5, derivative: 0.25 });
    expect(rows[5]!.activation).toBe("elu(alpha=0.5)");
    expect(rows[9]!.x).toBe(2);
  });
});

describe("bad input names the argument", () => {
  it("activation names, options and points", () => {
    expect(() => activation("swish" as never)).toThrow(
      /activation: name = "swish", expected one of "sigmoid", "tanh", "lecunTanh", "relu", "leakyRelu", "elu"/,
    );
    expect(() => activation("leakyRelu", { alpha: 0.2 })).toThrow(/options.alpha = 0.2, expected only negativeSlope for "leakyRelu"/);
    expect(() => activation("sigmoid", { alpha: 1 })).toThrow(/options.alpha = 1, expected no options for "sigmoid"/);
    expect(() => activation("leakyRelu", { negativeSlope: 1.5 })).toThrow(/options.negativeSlope = 1.5, expected a finite number in \[0, 1\]/);
    expect(() => activation("elu", { alpha: -1 })).toThrow(/options.alpha = -1/);
    expect(() => ACTIVATIONS.tanh.value(Number.NaN)).toThrow(/activation\("tanh"\).value: x = NaN, expected a number/);
    expect(() => ACTIVATIONS.relu.derivative("1" as unknown as number)).toThrow(/x = "1"/);
  });

  it("helpers", () => {
    expect(() => derivativeProduct("sigmoid", -1, 0)).toThrow(/derivativeProduct: depth = -1, expected an integer >= 0/);
    expect(() => derivativeProduct("sigmoid", 2.5, 0)).toThrow(/depth = 2.5/);
    expect(() => derivativeProduct("softsign" as never, 2, 0)).toThrow(/derivativeProduct: activation = "softsign", expected one of/);
    expect(() => derivativeProduct("tanh", 2, Number.POSITIVE_INFINITY)).toThrow(/preActivation = Infinity/);
    expect(() => cascadeDerivative("tanh", 3, 0, { weight: Number.NaN })).toThrow(/cascadeDerivative: options.weight = NaN/);
    expect(() => gaussianOutputMoments("tanh", { std: -1 })).toThrow(/gaussianOutputMoments: options.std = -1/);
    expect(() => gaussianOutputMoments("tanh", { intervals: 7 })).toThrow(/options.intervals = 7, expected an even integer/);
    expect(() => activationCurves([])).toThrow(/activationCurves: activations = \[\]/);
    expect(() => activationCurves(["tanh"], { from: 1, to: 1 })).toThrow(/options.to = 1, expected a number > options.from \(1\)/);
  });
});

describe("LeCun's tanh on tensors and as a layer", () => {
  beforeAll(async () => {
    await initBackend({ backend: "wasm" });
  });

  const xs = grid(-6, 6, 121);

  it("lecunTanh(tensor) matches the float64 formula to float32 precision, and frees its intermediates", async () => {
    const x = tf.tensor1d(xs);
    const before = tf.memory().numTensors;
    const y = lecunTanh(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(y.shape).toEqual([121]);
    const values = await y.data();
    xs.forEach((v, i) => expect(Math.abs(values[i]! - ACTIVATIONS.lecunTanh.value(v)), `x = ${v}`).toBeLessThan(1e-6));
    tf.dispose([x, y]);
  });

  it("the layer's gradient (tf.grad) matches the derivative helper", async () => {
    const before = tf.memory().numTensors;
    const layer = new LecunTanh({ name: "lecun_tanh_grad" });
    const x = tf.tensor1d(xs);
    const gradient = tf.grad((t: tf.Tensor) => layer.apply(t) as tf.Tensor)(x);
    const values = await gradient.data();
    xs.forEach((v, i) => expect(Math.abs(values[i]! - ACTIVATIONS.lecunTanh.derivative(v)), `x = ${v}`).toBeLessThan(1e-5));
    tf.dispose([x, gradient]);
    layer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("an unnamed layer gets a valid default name and works in a Sequential model", () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 }), lecunTanhLayer(), lecunTanhLayer()] });
    const names = model.layers.slice(1).map((l) => l.name);
    expect(names[0]).toMatch(/^lecun_tanh_\d+$/);
    expect(names[1]).not.toBe(names[0]);
    const y = tf.tidy(() => (model.predict(tf.ones([1, 3])) as tf.Tensor).arraySync());
    expect((y as number[][])[0]).toHaveLength(2);
    model.dispose();
  });

  it("a model with the layer survives save and load in memory", async () => {
    const before = tf.memory().numTensors;
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [3], units: 4, name: "hidden", kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }),
        lecunTanhLayer({ name: "lecun" }),
        tf.layers.dense({ units: 2, name: "out", kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }) }),
      ],
    });
    expect(model.getLayer("lecun").outputShape).toEqual([null, 4]);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
    expect(JSON.stringify(saved!.modelTopology)).toContain('"class_name":"KernelLib>LecunTanh"');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect(loaded.getLayer("lecun")).toBeInstanceOf(LecunTanh);
    const input = tf.tensor2d([
      [0.5, -1, 2],
      [3, 0, -0.25],
    ]);
    const expected = model.predict(input) as tf.Tensor;
    const actual = loaded.predict(input) as tf.Tensor;
    expect(Array.from(await actual.data())).toEqual(Array.from(await expected.data()));
    tf.dispose([input, expected, actual]);
    model.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("registers once: a second registration (the module loaded twice) changes nothing", () => {
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    expect(map["KernelLib>LecunTanh"]![0]).toBe(LecunTanh);
    expect(registerLecunTanh()).toBe(false);
    expect(map["KernelLib>LecunTanh"]![0]).toBe(LecunTanh);
  });

  it("rejects what is not a float32 tensor, naming the argument", () => {
    const ints = tf.tensor1d([1, 2], "int32");
    expect(() => lecunTanh([1, 2] as unknown as tf.Tensor)).toThrow(/lecunTanh: x = \[1, 2\], expected a tf.Tensor/);
    expect(() => lecunTanh(ints)).toThrow(/lecunTanh: x.dtype = "int32", expected "float32"/);
    ints.dispose();
  });
});
