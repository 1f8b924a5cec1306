import { beforeAll, describe, expect, it } from "vitest";
import { fit, gaussianBlobs, historyRows, initBackend, liveTraining, tf } from "kernel-lib";
import { withFakeKernel } from "./fake-kernel";

function blobs(seed: number) {
  const { points, labels } = gaussianBlobs({
    centers: [
      [-2, 0],
      [2, 0],
      [0, 3],
    ],
    nPerClass: 60,
    std: 0.7,
    seed,
  });
  return { x: tf.tensor2d(points), y: tf.oneHot(tf.tensor1d(labels, "int32"), 3) };
}

function model(seed: number): tf.Sequential {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2], units: 8, activation: "tanh", kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
  m.compile({ optimizer: tf.train.sgd(0.5), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}

describe("fit", () => {
  beforeAll(async () => {
    await initBackend({ backend: "wasm" });
  });

  it("learns separable blobs, with validation metrics and a history", async () => {
    const train = blobs(1);
    const val = blobs(2);
    const m = model(10);
    const history = await fit(m, train.x, train.y, { epochs: 15, batchSize: 16, seed: 3, validationData: [val.x, val.y] });
    expect(history.metricNames).toEqual(["loss", "acc"]);
    expect(history.epochs).toHaveLength(15);
    const first = history.epochs[0]!;
    const last = history.epochs[14]!;
    expect(last.loss).toBeLessThan(first.loss / 2);
    expect(last.val_acc).toBeGreaterThan(0.95);
    expect(historyRows(history).filter((r) => r.split === "validation" && r.metric === "loss")).toHaveLength(15);
    tf.dispose([train.x, train.y, val.x, val.y]);
    m.dispose();
  });

  it("repeats exactly for the same seeds", async () => {
    const run = async () => {
      const data = blobs(1);
      const m = model(10);
      const history = await fit(m, data.x, data.y, { epochs: 3, batchSize: 16, seed: 42 });
      tf.dispose([data.x, data.y]);
      m.dispose();
      return history.epochs.map((e) => e.loss);
    };
    expect(await run()).toEqual(await run());
  });

  it("leaves no tensors behind, live view included (SGD keeps no state)", async () => {
    const data = blobs(1);
    const val = blobs(2);
    const m = model(10);
    const before = tf.memory().numTensors;
    await withFakeKernel(async (messages) => {
      await fit(m, data.x, data.y, { epochs: 2, batchSize: 32, seed: 1, validationData: [val.x, val.y], callbacks: liveTraining() });
      expect(messages.some((msg) => "image/svg+xml" in msg.data)).toBe(true);
      expect(messages.some((msg) => /^training \[/.test(String(msg.data["text/plain"])))).toBe(true);
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([data.x, data.y, val.x, val.y]);
    m.dispose();
  });

  it("stops when a callback sets model.stopTraining", async () => {
    const data = blobs(1);
    const m = model(10);
    const history = await fit(m, data.x, data.y, {
      epochs: 10,
      seed: 1,
      callbacks: {
        onEpochEnd: (logs) => {
          if (logs.epoch === 2) m.stopTraining = true;
        },
      },
    });
    expect(history.epochs).toHaveLength(2);
    tf.dispose([data.x, data.y]);
    m.dispose();
  });

  it("names mismatched inputs", async () => {
    const m = model(1);
    const x = tf.zeros([4, 2]);
    const y = tf.zeros([3, 3]);
    await expect(fit(m, x, y, { epochs: 1 })).rejects.toThrow(/y.shape\[0\] = 3, expected 4/);
    await expect(fit(m, x, x, { epochs: -1 })).rejects.toThrow(/options.epochs = -1/);
    tf.dispose([x, y]);
    m.dispose();
  });
});
