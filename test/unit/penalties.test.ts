import { beforeAll, describe, expect, it } from "vitest";
import {
  L1L2Penalty,
  L1Penalty,
  L2Penalty,
  L2TowardPenalty,
  PENALTY_CLASS_PREFIX,
  RegularizerBase,
  isRegisteredPenalty,
  l1NormPenalty,
  l1Penalty,
  l1l2Penalty,
  l2NormPenalty,
  l2Penalty,
  l2TowardPenalty,
  modelPenalty,
  penalizedWeights,
  registerPenalty,
  tyingPenalty,
  type TfRegularizer,
} from "../../kernel-lib/src/regularizers/penalties";
import { initBackend, tf } from "../../kernel-lib/src/index";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

// A weight with mixed signs and no zero entry (the L1 gradient is then λ·sign(w) without subgradient questions).
const W = [
  [0.5, -1.5, 2],
  [0.25, -0.75, 3],
];
const B = [
  [1, 0, -1],
  [0.5, 0.5, 0.5],
];
const flat = (a: number[][]): number[] => a.flat();
const sumAbs = (a: number[][]): number => flat(a).reduce((s, v) => s + Math.abs(v), 0);
const sumSq = (a: number[][]): number => flat(a).reduce((s, v) => s + v * v, 0);
const diff = (a: number[][], b: number[][]): number[][] => a.map((row, i) => row.map((v, j) => v - b[i]![j]!));

/**
 * Float32 tolerance: the inputs are exact in float32 (multiples of 1/4), each product and sum of ≤ 6 terms rounds
 * with relative error ≤ ~6·2⁻²⁴ ≈ 4e-7, so 1e-6 relative (plus 1e-7 absolute for zeros) holds with margin.
 */
function expectClose(actual: number, expected: number, relative = 1e-6): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected) + 1e-7);
}
function expectAllClose(actual: ArrayLike<number>, expected: number[], relative = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(actual[i]!, expected[i]!, relative);
}

/** The penalty's value and its gradient by tfjs autodiff, freeing every tensor. */
function valueAndGrad(penalty: TfRegularizer, w: number[][]): { value: number; grad: Float32Array } {
  const x = tf.tensor2d(w);
  const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => penalty.apply(t))(x);
  const out = { value: value.dataSync()[0]!, grad: grad.dataSync() as Float32Array };
  tf.dispose([x, value, grad]);
  return out;
}

describe("values and gradients against the closed forms", () => {
  it("L1: λ‖w‖₁, gradient λ·sign(w)", () => {
    const before = tf.memory().numTensors;
    const { value, grad } = valueAndGrad(l1Penalty({ strength: 0.3 }), W);
    expectClose(value, 0.3 * sumAbs(W));
    expectAllClose(
      grad,
      flat(W).map((v) => 0.3 * Math.sign(v)),
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("L2: α/2‖w‖², gradient α·w (the lecture's convention)", () => {
    const before = tf.memory().numTensors;
    const { value, grad } = valueAndGrad(l2Penalty({ strength: 0.3 }), W);
    expectClose(value, 0.15 * sumSq(W));
    expectAllClose(
      grad,
      flat(W).map((v) => 0.3 * v),
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("L1+L2: λ‖w‖₁ + α/2‖w‖², gradient λ·sign(w) + α·w; defaults are 0", () => {
    const { value, grad } = valueAndGrad(l1l2Penalty({ l1Strength: 0.2, l2Strength: 0.5 }), W);
    expectClose(value, 0.2 * sumAbs(W) + 0.25 * sumSq(W));
    expectAllClose(
      grad,
      flat(W).map((v) => 0.2 * Math.sign(v) + 0.5 * v),
    );
    expect(valueAndGrad(l1l2Penalty(), W).value).toBe(0);
    expect(valueAndGrad(l1l2Penalty({ l2Strength: 2 }), W).value).toBeCloseTo(sumSq(W), 5);
  });

  it("L2 toward b: α/2‖w − b‖², gradient α(w − b), for an array and a number target", () => {
    const { value, grad } = valueAndGrad(l2TowardPenalty({ strength: 0.4, target: B }), W);
    expectClose(value, 0.2 * sumSq(diff(W, B)));
    expectAllClose(
      grad,
      flat(diff(W, B)).map((v) => 0.4 * v),
    );
    const scalar = valueAndGrad(l2TowardPenalty({ strength: 0.4, target: 1 }), W);
    expectClose(scalar.value, 0.2 * flat(W).reduce((s, v) => s + (v - 1) ** 2, 0));
    expectAllClose(
      scalar.grad,
      flat(W).map((v) => 0.4 * (v - 1)),
    );
    // With b = 0 it is the L2 penalty.
    expect(valueAndGrad(l2TowardPenalty({ strength: 0.4, target: 0 }), W).value).toBe(valueAndGrad(l2Penalty({ strength: 0.4 }), W).value);
  });

  it("L2 toward b takes a tensor target (read once) and keeps its own copy of an array target", () => {
    const before = tf.memory().numTensors;
    const bTensor = tf.tensor2d(B);
    const fromTensor = l2TowardPenalty({ strength: 0.4, target: bTensor });
    bTensor.dispose();
    expect(fromTensor.getConfig()).toEqual({ strength: 0.4, target: B });
    const given = B.map((row) => [...row]);
    const fromArray = l2TowardPenalty({ strength: 0.4, target: given });
    given[0]![0] = 99;
    expect(valueAndGrad(fromArray, W).value).toBe(valueAndGrad(fromTensor, W).value);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("tying: α/2‖a − b‖², gradients α(a − b) and −α(a − b)", () => {
    const before = tf.memory().numTensors;
    const a = tf.tensor2d(W);
    const b = tf.tensor2d(B);
    const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tyingPenalty(x, y, 0.6))([a, b]);
    const value = tyingPenalty(a, b, 0.6);
    expectClose(value.dataSync()[0]!, 0.3 * sumSq(diff(W, B)));
    expectAllClose(
      ga!.dataSync(),
      flat(diff(W, B)).map((v) => 0.6 * v),
    );
    expectAllClose(
      gb!.dataSync(),
      flat(diff(W, B)).map((v) => -0.6 * v),
    );
    tf.dispose([a, b, ga!, gb!, value]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("the functional forms equal the regularizers", () => {
    const w = tf.tensor2d(W);
    const pairs: [tf.Scalar, tf.Scalar][] = [
      [l1NormPenalty(w, 0.3), l1Penalty({ strength: 0.3 }).apply(w)],
      [l2NormPenalty(w, 0.3), l2Penalty({ strength: 0.3 }).apply(w)],
    ];
    for (const [f, r] of pairs) expect(f.dataSync()[0]).toBe(r.dataSync()[0]);
    tf.dispose([w, ...pairs.flat()]);
  });

  it("one SGD step on L + α/2‖w‖² is w ← (1 − ηα)w − η∇L (weight decay)", () => {
    const before = tf.memory().numTensors;
    const [eta, alpha] = [0.1, 0.5];
    const w0 = tf.tensor2d(W);
    const w = tf.variable(w0);
    w0.dispose();
    const c = tf.tensor2d(B); // data loss L(w) = Σ c ⊙ w, so ∇L = c
    const optimizer = tf.train.sgd(eta);
    const penalty = l2Penalty({ strength: alpha });
    optimizer.minimize(() => tf.add(tf.sum(tf.mul(c, w)), penalty.apply(w)) as tf.Scalar);
    const expected = flat(W).map((v, i) => (1 - eta * alpha) * v - eta * flat(B)[i]!);
    expectAllClose(w.dataSync(), expected);
    tf.dispose([w, c]);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("agreement with tfjs's own regularizers", () => {
  it("l1Penalty(λ) = tf.regularizers.l1(λ); l2Penalty(α) = tf.regularizers.l2(α/2) = half of tf.regularizers.l2(α)", () => {
    const before = tf.memory().numTensors;
    const w = tf.tensor2d(W);
    const values = tf.tidy(() =>
      [
        l1Penalty({ strength: 0.3 }),
        tf.regularizers.l1({ l1: 0.3 }),
        l2Penalty({ strength: 0.3 }),
        tf.regularizers.l2({ l2: 0.15 }),
        tf.regularizers.l2({ l2: 0.3 }),
        l1l2Penalty({ l1Strength: 0.2, l2Strength: 0.3 }),
        tf.regularizers.l1l2({ l1: 0.2, l2: 0.15 }),
      ].map((r) => r.apply(w).dataSync()[0]!),
    );
    const [ours1, tf1, ours2, tf2half, tf2, ours12, tf12] = values as [number, number, number, number, number, number, number];
    expectClose(ours1, tf1);
    expectClose(ours2, tf2half);
    expectClose(ours2, tf2 / 2);
    expectClose(ours12, tf12);
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("in a model", () => {
  /** A seeded two-layer dense model; the kernels get `kernel`, the biases `bias` regularizers. */
  function makeModel(kernel: TfRegularizer | undefined, bias?: TfRegularizer): tf.Sequential {
    return tf.sequential({
      layers: [
        tf.layers.dense({
          name: "hidden",
          inputShape: [3],
          units: 4,
          activation: "tanh",
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
          biasInitializer: tf.initializers.constant({ value: 0.5 }),
          kernelRegularizer: kernel,
          biasRegularizer: bias,
        }),
        tf.layers.dense({ name: "out", units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), kernelRegularizer: kernel }),
      ],
    });
  }

  it("as kernelRegularizer / biasRegularizer: the loss fit reports is data loss + penalties", async () => {
    const before = tf.memory().numTensors;
    const [alpha, lambda] = [0.3, 0.05];
    const model = makeModel(l2Penalty({ strength: alpha }), l1Penalty({ strength: lambda }));
    const optimizer = tf.train.sgd(0.1); // a model disposes only optimizers it made from a name
    model.compile({ optimizer, loss: "meanSquaredError" });
    const x = tf.tensor2d([
      [0.1, -0.2, 0.3],
      [1, 0.5, -1],
      [-0.4, 0.8, 0.2],
    ]);
    const y = tf.tensor2d([
      [1, 0],
      [0, 1],
      [0.5, -0.5],
    ]);
    // The loss of a one-batch epoch is computed with the weights before the step.
    const dataLoss = tf.tidy(() => tf.losses.meanSquaredError(y, model.predict(x) as tf.Tensor).dataSync()[0]!);
    const [k1, b1, k2] = model.getWeights().map((t) => t.arraySync() as number[][]);
    const penalty = (alpha / 2) * (sumSq(k1!) + sumSq(k2!)) + lambda * sumAbs([b1 as unknown as number[]]);
    const history = await model.fit(x, y, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 });
    // Float32 loss of a tiny model: relative error ~1e-6; 1e-5 leaves margin.
    expectClose(history.history.loss[0] as number, dataLoss + penalty, 1e-5);
    expect(penalty).toBeGreaterThan(0.1 * dataLoss); // the penalty is not negligible, so the check can fail
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("modelPenalty sums over the kernels only, unless includeBiases", () => {
    const before = tf.memory().numTensors;
    const model = makeModel(undefined);
    const [k1, b1, k2, b2] = model.getWeights().map((t) => t.arraySync() as number[][]);
    const penalty = l2Penalty({ strength: 0.2 });
    expect(penalizedWeights(model).map((w) => w.originalName)).toEqual(["hidden/kernel", "out/kernel"]);
    const kernelsOnly = modelPenalty(model, penalty);
    const withBiases = modelPenalty(model, penalty, { includeBiases: true });
    expectClose(kernelsOnly.dataSync()[0]!, 0.1 * (sumSq(k1!) + sumSq(k2!)));
    expectClose(withBiases.dataSync()[0]!, 0.1 * (sumSq(k1!) + sumSq(k2!) + sumSq([b1 as unknown as number[], b2 as unknown as number[]])));
    // Works with tfjs's own regularizers too.
    const tfjs = modelPenalty(model, tf.regularizers.l2({ l2: 0.1 }));
    expectClose(tfjs.dataSync()[0]!, kernelsOnly.dataSync()[0]!);
    tf.dispose([kernelsOnly, withBiases, tfjs]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("modelPenalty skips normalization scales/shifts and covers conv kernels; a model with no kernel gives 0", () => {
    const before = tf.memory().numTensors;
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ name: "conv", inputShape: [4, 4, 1], filters: 2, kernelSize: 2 }),
        tf.layers.batchNormalization({ name: "bn" }),
        tf.layers.flatten(),
        tf.layers.dense({ name: "head", units: 1 }),
      ],
    });
    expect(penalizedWeights(model).map((w) => w.originalName)).toEqual(["conv/kernel", "head/kernel"]);
    expect(penalizedWeights(model, { includeBiases: true }).map((w) => w.originalName)).toEqual(["conv/kernel", "conv/bias", "head/kernel", "head/bias"]);
    model.dispose();
    const noKernel = tf.sequential({ layers: [tf.layers.batchNormalization({ inputShape: [3] })] });
    const zero = modelPenalty(noKernel, l2Penalty({ strength: 1 }));
    expect(zero.dataSync()[0]).toBe(0);
    zero.dispose();
    noKernel.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("modelPenalty in a custom loop: one SGD step on data loss + penalty decays the kernels, not the biases", () => {
    const before = tf.memory().numTensors;
    const [eta, alpha] = [0.1, 0.5];
    const model = makeModel(undefined);
    const weightsBefore = model.getWeights().map((t) => Array.from(t.dataSync()));
    const optimizer = tf.train.sgd(eta);
    // Data loss 0: the step is the decay alone, kernels × (1 − ηα), biases unchanged.
    optimizer.minimize(
      () => tf.add(tf.mul(tf.sum(model.predict(tf.zeros([1, 3])) as tf.Tensor), 0), modelPenalty(model, l2Penalty({ strength: alpha }))) as tf.Scalar,
    );
    const weightsAfter = model.getWeights().map((t) => Array.from(t.dataSync()));
    expectAllClose(
      weightsAfter[0]!,
      weightsBefore[0]!.map((v) => (1 - eta * alpha) * v),
    );
    expect(weightsAfter[1]).toEqual(weightsBefore[1]);
    expectAllClose(
      weightsAfter[2]!,
      weightsBefore[2]!.map((v) => (1 - eta * alpha) * v),
    );
    expect(weightsAfter[3]).toEqual(weightsBefore[3]);
    optimizer.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("tfjs itself does not support activityRegularizer (it throws NotImplemented when the layer is called)", () => {
    // Why the activity penalty of lecture 000 goes in the loss of a custom loop: penalty.apply(hiddenActivations).
    expect(() => tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, activityRegularizer: l1Penalty({ strength: 1 }) })] })).toThrow(
      /activity regularizer/,
    );
  });
});

describe("serialization", () => {
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

  const penalties: [string, () => TfRegularizer][] = [
    ["l1Penalty", () => l1Penalty({ strength: 0.01 })],
    ["l2Penalty", () => l2Penalty({ strength: 0.02 })],
    ["l1l2Penalty", () => l1l2Penalty({ l1Strength: 0.03, l2Strength: 0.04 })],
    ["l2TowardPenalty (number)", () => l2TowardPenalty({ strength: 0.05, target: 0.25 })],
  ];
  for (const [name, make] of penalties) {
    it(`a model using ${name} saves and loads with no customObjects, same config and penalty`, async () => {
      const before = tf.memory().numTensors;
      const penalty = make();
      const model = tf.sequential({ layers: [tf.layers.dense({ name: "d", inputShape: [3], units: 2, kernelRegularizer: penalty, biasRegularizer: make() })] });
      const loaded = await roundTrip(model);
      expect(String((model.layers[0]!.getConfig().kernelRegularizer as { className: string }).className)).toMatch(/^KernelLib>/);
      expect(loaded.layers[0]!.getConfig()).toEqual(model.layers[0]!.getConfig());
      const restored = (loaded.layers[0] as unknown as { kernelRegularizer: TfRegularizer }).kernelRegularizer;
      expect(restored.constructor).toBe(penalty.constructor);
      expect(restored.getConfig()).toEqual(penalty.getConfig());
      const [a, b] = [modelPenalty(model, penalty, { includeBiases: true }), modelPenalty(loaded, restored, { includeBiases: true })];
      expect(b.dataSync()[0]).toBe(a.dataSync()[0]);
      tf.dispose([a, b]);
      model.dispose();
      loaded.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("an array target of l2TowardPenalty is saved in the config and restored", async () => {
    const before = tf.memory().numTensors;
    const target = [[0.5, -0.5], [1, 2], [0, 0.25]]; // prettier-ignore
    const penalty = l2TowardPenalty({ strength: 0.1, target });
    const model = tf.sequential({ layers: [tf.layers.dense({ name: "d", inputShape: [3], units: 2, kernelRegularizer: penalty })] });
    const loaded = await roundTrip(model);
    const restored = (loaded.layers[0] as unknown as { kernelRegularizer: L2TowardPenalty }).kernelRegularizer;
    expect(restored).toBeInstanceOf(L2TowardPenalty);
    expect(restored.getConfig()).toEqual({ strength: 0.1, target });
    expect(restored.targetShape).toEqual([3, 2]);
    const [a, b] = [modelPenalty(model, penalty), modelPenalty(loaded, restored)];
    expect(b.dataSync()[0]).toBe(a.dataSync()[0]);
    tf.dispose([a, b]);
    model.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("every penalty is a tfjs Regularizer registered under a KernelLib> name; registering again changes nothing", () => {
    for (const cls of [L1Penalty, L2Penalty, L1L2Penalty, L2TowardPenalty]) {
      expect(cls.className.startsWith(PENALTY_CLASS_PREFIX)).toBe(true);
      expect(isRegisteredPenalty(cls.className)).toBe(true);
      expect(registerPenalty(cls)).toBe(false);
      expect(tf.serialization.SerializationMap.getMap().classNameMap[cls.className]![0]).toBe(cls);
    }
    expect(l2Penalty({ strength: 1 })).toBeInstanceOf(RegularizerBase);
    class Unprefixed extends L2Penalty {
      static override className = "L2Penalty";
    }
    expect(() => registerPenalty(Unprefixed)).toThrow(/className = "L2Penalty", expected a name starting with "KernelLib>"/);
  });
});

describe("bad arguments", () => {
  it("a negative, non-finite or missing strength is rejected with the function, argument and value", () => {
    expect(() => l1Penalty({ strength: -0.1 })).toThrow("l1Penalty: options.strength = -0.1, expected a finite number >= 0");
    expect(() => l2Penalty({ strength: NaN })).toThrow("l2Penalty: options.strength = NaN, expected a finite number >= 0");
    expect(() => l2Penalty(undefined as unknown as { strength: number })).toThrow("l2Penalty: options.strength = undefined");
    expect(() => l1l2Penalty({ l2Strength: -1 })).toThrow("l1l2Penalty: options.l2Strength = -1");
    expect(() => l2TowardPenalty({ strength: -2, target: 0 })).toThrow("l2TowardPenalty: options.strength = -2");
    expect(() => l2NormPenalty(tf.scalar(1), Infinity)).toThrow("l2NormPenalty: strength = Infinity");
    const [a, b] = [tf.ones([2]), tf.ones([2])];
    expect(() => tyingPenalty(a, b, -1)).toThrow("tyingPenalty: strength = -1, expected a finite number >= 0");
    tf.dispose([a, b]);
  });

  it("a bad target or a weight of another shape than the target is rejected", () => {
    expect(() => l2TowardPenalty({ strength: 1, target: [[1, 2], [3]] })).toThrow("l2TowardPenalty: options.target[1] = [3], expected an array of length 2");
    expect(() => l2TowardPenalty({ strength: 1, target: [1, [2]] })).toThrow("l2TowardPenalty: options.target[1] = [2], expected a finite number");
    expect(() => l2TowardPenalty({ strength: 1, target: [1, NaN] })).toThrow("l2TowardPenalty: options.target[1] = NaN, expected a finite number");
    expect(() => l2TowardPenalty({ strength: 1, target: "0" as unknown as number })).toThrow('l2TowardPenalty: options.target = "0"');
    const before = tf.memory().numTensors;
    const w = tf.tensor2d(W);
    const penalty = l2TowardPenalty({
      strength: 1,
      target: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    });
    expect(() => penalty.apply(w)).toThrow("L2TowardPenalty.apply: w.shape = [2, 3], expected the target's shape [3, 2]");
    const c = tf.ones([3, 2]);
    expect(() => tyingPenalty(w, c, 1)).toThrow("tyingPenalty: b.shape = [3, 2], expected the shape of a, [2, 3]");
    tf.dispose([w, c]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("non-tensors, int tensors and bad modelPenalty arguments are rejected", () => {
    const i = tf.tensor1d([1, 2], "int32");
    expect(() => l1Penalty({ strength: 1 }).apply(i)).toThrow('L1Penalty.apply: w.dtype = "int32", expected "float32"');
    expect(() => l2Penalty({ strength: 1 }).apply([1, 2] as unknown as tf.Tensor)).toThrow("L2Penalty.apply: w = [1, 2], expected a tf.Tensor");
    i.dispose();
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    expect(() => modelPenalty(model, {} as TfRegularizer)).toThrow("modelPenalty: penalty = {}, expected a regularizer");
    expect(() => modelPenalty({} as tf.LayersModel, l2Penalty({ strength: 1 }))).toThrow("penalizedWeights: model = {}, expected a tf.LayersModel");
    expect(() => penalizedWeights(model, { includeBiases: "yes" as unknown as boolean })).toThrow('penalizedWeights: options.includeBiases = "yes"');
    model.dispose();
  });
});
