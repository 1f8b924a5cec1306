import { beforeAll, describe, expect, it } from "vitest";
import { activationStats, gradientStats, initBackend, tf, updateStats } from "kernel-lib";

/** A deep stack of Dense layers with one activation and a given weight std, seeded. */
function stack(activation: "tanh" | "relu" | "sigmoid", depth: number, width: number, weightStd: number, seed: number): tf.layers.Layer[] {
  return Array.from({ length: depth }, (_, i) =>
    tf.layers.dense({
      units: width,
      activation,
      inputShape: i === 0 ? [width] : undefined,
      kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: weightStd, seed: seed + i }),
    }),
  );
}

function input(n: number, width: number, seed: number): tf.Tensor2D {
  return tf.randomNormal([n, width], 0, 1, "float32", seed);
}

const mse = (y: tf.Tensor, p: tf.Tensor) => tf.losses.meanSquaredError(y, p) as tf.Scalar;

describe("activationStats", () => {
  beforeAll(async () => {
    await initBackend({ backend: "wasm" });
  });

  it("tanh with Xavier-sized weights keeps its std while tiny weights collapse it (lecture 000's experiment)", () => {
    const x = input(500, 100, 1);
    const before = tf.memory().numTensors;
    const xavier = activationStats(stack("tanh", 10, 100, Math.sqrt(1 / 100), 10), x);
    const tiny = activationStats(stack("tanh", 10, 100, 0.01, 20), x);
    expect(xavier).toHaveLength(10);
    expect(xavier[9]!.std).toBeGreaterThan(0.1);
    expect(tiny[9]!.std).toBeLessThan(1e-6);
    expect(tiny[9]!.std).toBeLessThan(tiny[0]!.std / 1e4);
    expect(tf.memory().numTensors - before).toBe(20 * 2); // only the layers' kernels and biases were created
    x.dispose();
  });

  it("takes a tf.Sequential model as well as an array of layers", () => {
    const x = input(10, 6, 11);
    const model = tf.sequential({ layers: stack("relu", 3, 6, 0.5, 80) });
    const stats = activationStats(model, x);
    expect(stats.map((s) => s.layer)).toEqual(model.layers.map((l) => l.name));
    expect(stats).toHaveLength(3);
    const grads = gradientStats(model, x, x, mse);
    expect(grads.outputs).toHaveLength(3);
    model.dispose();
    x.dispose();
  });

  it("counts saturation for tanh and large weights", () => {
    const x = input(200, 50, 2);
    const [first] = activationStats(stack("tanh", 1, 50, 1.0, 30), x);
    expect(first!.activation).toBe("tanh");
    // Pre-activations z have std sqrt(50) ≈ 7.07; |tanh z| > 0.97 when |z| > atanh(0.97) = 2.092,
    // so the expected share is P(|N(0,1)| > 0.296) = 0.767 (10,000 outputs, correlated within a row: ±0.04).
    expect(Math.abs(first!.saturated! - 0.767)).toBeLessThan(0.04);
    expect(first!.zero).toBeNull();
    expect(first!.values.length).toBe(200 * 50);
    x.dispose();
  });

  it("counts zeros and dead units for ReLU", () => {
    const layer = tf.layers.dense({
      units: 4,
      activation: "relu",
      inputShape: [2],
      kernelInitializer: "zeros",
      biasInitializer: tf.initializers.constant({ value: -1 }),
    });
    const x = tf.ones([3, 2]);
    const [stats] = activationStats([layer], x);
    expect(stats!.zero).toBe(1);
    expect(stats!.deadUnits).toBe(1);
    expect(stats!.saturated).toBeNull();
    x.dispose();
  });

  it("rejects an empty network and a bad threshold", () => {
    const x = tf.ones([1, 2]);
    expect(() => activationStats([], x)).toThrow(/network = \[\], expected a tf.Sequential model or a non-empty array of layers/);
    expect(() => activationStats(stack("tanh", 1, 2, 1, 1), x, { saturationThreshold: 2 })).toThrow(/options.saturationThreshold = 2/);
    x.dispose();
  });
});

describe("gradientStats", () => {
  it("output gradients equal the autodiff of the same loss w.r.t. each layer's output", () => {
    const layers = stack("tanh", 3, 8, 0.5, 40);
    const x = input(16, 8, 3);
    const y = input(16, 8, 4);
    const stats = gradientStats(layers, x, y, mse);
    // Reference for the first layer's output: differentiate the rest of the network w.r.t. h1.
    const reference = tf.tidy(() => {
      const h1 = layers[0]!.apply(x) as tf.Tensor;
      const g = tf.grad((h: tf.Tensor) =>
        mse(
          y,
          layers.slice(1).reduce((a, l) => l.apply(a) as tf.Tensor, h),
        ),
      )(h1);
      return Array.from(g.dataSync());
    });
    const got = Array.from(stats.outputs[0]!.values);
    expect(got.length).toBe(reference.length);
    got.forEach((v, i) => expect(v).toBeCloseTo(reference[i]!, 6));
    expect(stats.weights.map((w) => w.shape)).toEqual([[8, 8], [8], [8, 8], [8], [8, 8], [8]]);
    tf.dispose([x, y]);
  });

  it("shows the vanishing gradient through cascaded sigmoids, and leaves no tensors", () => {
    const layers = stack("sigmoid", 8, 32, Math.sqrt(1 / 32), 50);
    const x = input(64, 32, 5);
    const y = input(64, 32, 6);
    layers.reduce((h, l) => tf.tidy(() => l.apply(h) as tf.Tensor), x as tf.Tensor); // build the layers
    const before = tf.memory().numTensors;
    const stats = gradientStats(layers, x, y, mse);
    expect(tf.memory().numTensors).toBe(before);
    // Each sigmoid multiplies the backward signal by at most 1/4: the first layer's gradient is far smaller.
    expect(stats.outputs[0]!.gradNorm).toBeLessThan(stats.outputs[7]!.gradNorm / 100);
    const kernel = stats.weights.find((w) => w.shape.length === 2)!;
    expect(kernel.gradToData).toBeCloseTo(kernel.gradStd / kernel.dataStd, 10);
    tf.dispose([x, y]);
  });
});

describe("updateStats", () => {
  it("reports std(ΔW)/std(W) of one SGD step, which scales with the learning rate", () => {
    const run = (learningRate: number) => {
      const layers = stack("tanh", 2, 16, 0.3, 60);
      const x = input(32, 16, 7);
      const y = input(32, 16, 8);
      const stats = updateStats(layers, tf.train.sgd(learningRate), x, y, mse);
      tf.dispose([x, y]);
      return stats;
    };
    const small = run(0.01);
    const large = run(0.1);
    expect(small).toHaveLength(4);
    small.forEach((s, i) => {
      expect(s.log10UpdateToData).toBeCloseTo(Math.log10(s.updateToData), 10);
      if (s.weight.includes("kernel")) expect(large[i]!.updateToData / s.updateToData).toBeCloseTo(10, 3);
    });
  });

  it("leaves only the changed weights behind, and names a bad optimizer", () => {
    const layers = stack("relu", 2, 8, 0.3, 70);
    const x = input(8, 8, 9);
    const y = input(8, 8, 10);
    const optimizer = tf.train.sgd(0.1);
    updateStats(layers, optimizer, x, y, mse); // builds the layers
    const before = tf.memory().numTensors;
    updateStats(layers, optimizer, x, y, mse);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => updateStats(layers, {} as tf.Optimizer, x, y, mse)).toThrow(/optimizer = \{\}, expected a tf.Optimizer/);
    tf.dispose([x, y]);
  });
});
