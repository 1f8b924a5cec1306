/**
 * The claims of notebook 02 (lecture 000's 10-layer x 100-unit experiment, lecture 003's printout), checked
 * at small scale with fixed seeds so a change to an initializer or a probe that breaks a lesson fails here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { activationStats, glorotNormal, heNormal, initBackend, normal, seed, tf, zeros, type LayerStack } from "kernel-lib";

const DEPTH = 10;
const WIDTH = 100;

function stack(activation: "tanh" | "relu", kernelInitializer: () => ReturnType<typeof zeros>): LayerStack {
  return Array.from({ length: DEPTH }, (_, i) =>
    tf.layers.dense({ units: WIDTH, activation, inputShape: i === 0 ? [WIDTH] : undefined, kernelInitializer: kernelInitializer() }),
  );
}

/** std of each layer's outputs for a batch of 500 standard-normal inputs. */
function stds(network: LayerStack): number[] {
  const x = tf.randomNormal([500, WIDTH], 0, 1, "float32", 7);
  const result = activationStats(network, x).map((s) => s.std);
  x.dispose();
  return result;
}

describe("notebook 02's claims at small scale", () => {
  beforeAll(async () => {
    await initBackend({ backend: "wasm" });
    seed(2024);
  });

  it("tanh: Xavier keeps the std within a factor 4 over 10 layers, N(0, 0.01²) collapses by over 1e6", () => {
    const xavier = stds(stack("tanh", () => glorotNormal()));
    const tiny = stds(stack("tanh", () => normal({ std: 0.01 })));
    // tanh is contractive, so even Xavier loses about 3x over 10 layers (CS231n's printout: 0.63 -> 0.22).
    expect(xavier[DEPTH - 1]! / xavier[0]!).toBeGreaterThan(1 / 4);
    expect(xavier[DEPTH - 1]! / xavier[0]!).toBeLessThan(1);
    expect(tiny[DEPTH - 1]! / tiny[0]!).toBeLessThan(1e-6);
  });

  it("ReLU: He keeps the std of the same order, a 1/fanIn variance (Xavier-sized for square layers) decays by over 10x", () => {
    const he = stds(stack("relu", () => heNormal()));
    const xavier = stds(stack("relu", () => glorotNormal()));
    expect(he[DEPTH - 1]! / he[0]!).toBeGreaterThan(0.3);
    expect(he[DEPTH - 1]! / he[0]!).toBeLessThan(3);
    // Each ReLU layer halves the second moment: (1/2)^(9/2) ≈ 0.044 over 9 layers.
    expect(xavier[DEPTH - 1]! / xavier[0]!).toBeLessThan(0.1);
  });

  it("W = 0 leaves every hidden unit identical after training steps; random init does not", async () => {
    const spread = async (kernelInitializer: () => ReturnType<typeof zeros>) => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ name: "hidden", inputShape: [8], units: 6, activation: "tanh", kernelInitializer: kernelInitializer() }),
          tf.layers.dense({ name: "output", units: 3, activation: "softmax", kernelInitializer: kernelInitializer() }),
        ],
      });
      model.compile({ optimizer: tf.train.sgd(0.5), loss: "categoricalCrossentropy" });
      const x = tf.randomNormal([64, 8], 0, 1, "float32", 3);
      const y = tf.tidy(() => tf.oneHot(tf.randomUniform([64], 0, 3, "int32", 4), 3));
      for (let step = 0; step < 20; step++) await model.trainOnBatch(x, y);
      // Largest difference between any hidden unit's incoming weights and unit 0's.
      const result = tf.tidy(() => {
        const kernel = model.getLayer("hidden").getWeights()[0]!;
        return kernel
          .sub(kernel.slice([0, 0], [-1, 1]))
          .abs()
          .max()
          .dataSync()[0]!;
      });
      tf.dispose([x, y]);
      model.dispose();
      return result;
    };
    expect(await spread(() => zeros())).toBe(0);
    expect(await spread(() => glorotNormal())).toBeGreaterThan(0.1);
  });
});
