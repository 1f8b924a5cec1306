import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend, loadMnist, tf } from "kernel-lib";
import {
  TaskError,
  TrainingPool,
  fromPlainTensor,
  isShared,
  modelTopology,
  modelWeights,
  optimizerSpec,
  restoreModel,
  runSequential,
  seedInitializers,
  toPlainTensor,
  trainSequential,
  type NamedPlainTensor,
  type PlainTensor,
  type TrainingResult,
  type TrainingTask,
} from "../../kernel-lib/src/parallel";
import { shareTaskArrays } from "../../kernel-lib/src/parallel/submission";
import { workerScriptPath } from "../../kernel-lib/src/parallel/worker-script";
import { Rng } from "../../kernel-lib/src/random";

// Small on purpose: 256 MNIST digits, a 784-16-10 MLP, 2 epochs of batch 64; each training takes well under a second.
let x: PlainTensor;
let y: PlainTensor;
let xTest: PlainTensor;
let topology: Record<string, unknown>;
const pools: TrainingPool[] = [];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kernel-lib-parallel-"));

function newPool(workers = 2): TrainingPool {
  const pool = new TrainingPool({ workers });
  pools.push(pool);
  return pool;
}

function mlp(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 16, activation: "relu", name: "hidden" }),
      tf.layers.dense({ units: 10, activation: "softmax", name: "output" }),
    ],
  });
}

function task(seed: number, overrides: Partial<TrainingTask> = {}): TrainingTask {
  return {
    model: topology,
    compile: { optimizer: optimizerSpec(tf.train.sgd(0.1)), loss: "categoricalCrossentropy", metrics: ["accuracy"] },
    data: { x, y },
    fit: { epochs: 2, batchSize: 64 },
    seed,
    ...overrides,
  };
}

/** Bytes of a typed array: equal bytes means equal bit for bit (NaNs and signed zeros included). */
function bytes(values: ArrayBufferView): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

function expectSameWeights(a: readonly NamedPlainTensor[], b: readonly NamedPlainTensor[]): void {
  expect(a.map((w) => [w.name, w.shape])).toEqual(b.map((w) => [w.name, w.shape]));
  a.forEach((w, i) => expect(bytes(w.values).equals(bytes(b[i]!.values))).toBe(true));
}

/** Everything but the thread that ran it must be identical. */
function expectSameResult(a: TrainingResult, b: TrainingResult): void {
  expect(a.index).toBe(b.index);
  expect(a.seed).toBe(b.seed);
  expectSameWeights(a.weights, b.weights);
  expect(a.history).toEqual(b.history);
  expect(a.predictions === undefined).toBe(b.predictions === undefined);
  if (a.predictions && b.predictions) expect(bytes(a.predictions.values).equals(bytes(b.predictions.values))).toBe(true);
}

/** Writes a JavaScript module for the escape-hatch tests (module calls need JavaScript at run time). */
function writeModule(name: string, source: string): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, source);
  return file;
}

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
  const data = loadMnist({ seed: 1, trainLimit: 256, testLimit: 32 });
  x = toPlainTensor(data.xTrain);
  const oneHot = tf.tidy(() => tf.oneHot(data.yTrain, 10).toFloat());
  y = toPlainTensor(oneHot);
  oneHot.dispose();
  xTest = toPlainTensor(data.xTest);
  data.dispose();
  const model = mlp();
  topology = modelTopology(model);
  model.dispose();
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe("TrainingPool", () => {
  it("gives the same weights, histories and predictions as trainSequential, bit for bit, on 2 workers", async () => {
    const tasks = [11, 12, 13, 14].map((seed) => task(seed, { predict: xTest }));
    const before = tf.memory().numTensors;
    const sequential = await trainSequential(tasks);
    const pool = newPool(2);
    const parallel = await pool.train(tasks);
    expect(tf.memory().numTensors).toBe(before);
    expect(parallel).toHaveLength(4);
    parallel.forEach((result, i) => expectSameResult(result, sequential[i]!));
    // The first two tasks go to two fresh workers, so both workers trained; the sequential run stayed in this thread.
    expect(new Set(parallel.map((r) => r.threadId)).size).toBe(2);
    expect(parallel.every((r) => r.threadId !== 0)).toBe(true);
    expect(sequential.every((r) => r.threadId === 0)).toBe(true);
    expect(pool.workersStarted).toBe(2);
    // Training happened: the loss fell, and different seeds gave different weights.
    for (const result of parallel) expect(result.history.epochs[1]!.loss).toBeLessThan(result.history.epochs[0]!.loss);
    expect(bytes(parallel[0]!.weights[0]!.values).equals(bytes(parallel[1]!.weights[0]!.values))).toBe(false);
    expect(parallel[0]!.predictions!.shape).toEqual([32, 10]);
  });

  it("returns results in task order when a later task finishes first", async () => {
    // Call 0 blocks until call 1 has run (they share memory), so call 1 certainly finishes first; no clock involved.
    const module = writeModule(
      "order.js",
      [
        "exports.waitFor = (flag) => { Atomics.wait(flag, 0, 0, 20000); return 'first, after ' + Atomics.load(flag, 0); };",
        "exports.release = (flag) => { Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); return 'second'; };",
      ].join("\n"),
    );
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const values = await newPool(2).run([
      { module, export: "waitFor", args: [flag] },
      { module, export: "release", args: [flag] },
    ]);
    expect(values).toEqual(["first, after 1", "second"]);
  });

  it("reports every epoch of every task with its index, and returns training results in task order", async () => {
    const epochs = [3, 1, 2, 1];
    const tasks = epochs.map((n, i) => task(21 + i, { fit: { epochs: n, batchSize: 64 } }));
    const seen: number[][] = [[], [], [], []];
    const results = await newPool(2).train(tasks, { onEpochEnd: (index, logs) => seen[index]!.push(logs.epoch) });
    expect(seen).toEqual([[1, 2, 3], [1], [1, 2], [1]]);
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(results.map((r) => r.seed)).toEqual([21, 22, 23, 24]);
    expect(results.map((r) => r.history.epochs.length)).toEqual(epochs);
  });

  it("fails the task whose onEpochEnd callback throws, in the pool as in the main thread", async () => {
    const onEpochEnd = (index: number) => {
      if (index === 1) throw new Error("chart broke");
    };
    const pooled = (await newPool(2)
      .train([task(61, { fit: { epochs: 1 } }), task(62, { fit: { epochs: 1 } })], { onEpochEnd })
      .catch((e: unknown) => e)) as TaskError;
    expect(pooled).toBeInstanceOf(TaskError);
    expect(pooled.message).toBe("task 1 failed in the main thread (onEpochEnd): chart broke");
    const sequential = (await trainSequential([task(61, { fit: { epochs: 1 } }), task(62, { fit: { epochs: 1 } })], { onEpochEnd }).catch(
      (e: unknown) => e,
    )) as TaskError;
    expect(sequential.taskIndex).toBe(1);
    expect(sequential.remote.message).toBe("chart broke");
  });

  it("rejects a failing task with its index, the worker's message and stack; the other tasks' results match sequential", async () => {
    const bad = task(33, { compile: { optimizer: "sgd", loss: "noSuchLoss" } });
    const pool = newPool(2);
    const error = await pool.train([task(31), task(32), bad, task(34)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskError);
    const taskError = error as TaskError;
    expect(taskError.taskIndex).toBe(2);
    expect(taskError.message).toMatch(/^task 2 failed in worker thread \d+: .*noSuchLoss/);
    expect(taskError.remote.stack).toMatch(/noSuchLoss[\s\S]*\n\s+at /);
    expect(taskError.stack).toContain(taskError.remote.stack);
    // The same failure in the main thread names the same task.
    const sequentialError = (await trainSequential([task(31), bad]).catch((e: unknown) => e)) as TaskError;
    expect(sequentialError).toBeInstanceOf(TaskError);
    expect(sequentialError.taskIndex).toBe(1);
    expect(sequentialError.remote.message).toBe(taskError.remote.message);
    // The pool still works after a failed task.
    const [again] = await pool.train([task(31)]);
    expectSameResult(again!, (await trainSequential([task(31)]))[0]!);
  });

  it("checks every task before starting any, naming the bad field", async () => {
    const pool = newPool(1);
    const shortY = { shape: [10, 10], values: new Float32Array(100) };
    await expect(pool.train([task(1), task(2, { data: { x, y: shortY } })])).rejects.toThrow("TrainingPool.train: tasks[1].data.y.shape[0] = 10, expected 256");
    await expect(pool.train([task(1, { fit: { epochs: 1.5 } })])).rejects.toThrow("tasks[0].fit.epochs = 1.5, expected an integer >= 0");
    await expect(pool.train([task(1, { compile: { optimizer: "sgdd", loss: "meanSquaredError" } })])).rejects.toThrow('tasks[0].compile.optimizer = "sgdd"');
    await expect(trainSequential([task(1, { data: { x: { shape: [256, 785], values: x.values }, y } })])).rejects.toThrow(
      "trainSequential: tasks[0].data.x.values.length = 200704, expected 200960",
    );
    expect(pool.workersStarted).toBe(0);
  });

  it("survives a worker that dies: the task fails with its index, the pool starts a new worker for the next one", async () => {
    const module = writeModule("exits.js", "exports.exitWith = (code) => process.exit(code);\nexports.echo = (value) => value;\n");
    const pool = newPool(1);
    const error = (await pool
      .run([
        { module, export: "echo", args: [1] },
        { module, export: "exitWith", args: [3] },
      ])
      .catch((e: unknown) => e)) as TaskError;
    expect(error).toBeInstanceOf(TaskError);
    expect(error.taskIndex).toBe(1);
    expect(error.message).toContain("the worker exited with code 3");
    expect(await pool.run([{ module, export: "echo", args: [{ a: [1, 2] }] }])).toEqual([{ a: [1, 2] }]);
    expect(pool.workersStarted).toBe(2);
  });

  it("runs exported functions of a module in workers (the escape hatch), with the main thread's backend started", async () => {
    const tfjs = require.resolve("@tensorflow/tfjs");
    const module = writeModule(
      "calls.js",
      [
        `const tf = require(${JSON.stringify(tfjs)});`,
        "exports.sum = (values) => values.reduce((a, b) => a + b, 0);",
        "exports.backend = async () => tf.getBackend();",
        "exports.fails = () => { throw new TypeError('bad input 42'); };",
      ].join("\n"),
    );
    const calls = [
      { module, export: "sum", args: [new Float32Array([1, 2, 3.5])] },
      { module, export: "backend" },
    ];
    const pool = newPool(2);
    expect(await pool.run(calls)).toEqual([6.5, "wasm"]);
    expect(await runSequential(calls)).toEqual([6.5, "wasm"]);
    const error = (await pool.run([{ module, export: "fails" }]).catch((e: unknown) => e)) as TaskError;
    expect(error.message).toMatch(/^task 0 failed in worker thread \d+: TypeError: bad input 42$/);
    await expect(pool.run([{ module, export: "missing" }])).rejects.toThrow(/call.export = "missing", expected the name of a function exported by/);
    await expect(pool.run([{ module: "relative/path.js" }])).rejects.toThrow(
      'TrainingPool.run: calls[0].module = "relative/path.js", expected an absolute path',
    );
  });

  it("starts its workers ahead of work when asked, and reuses them", async () => {
    const pool = newPool(2);
    expect(pool.workersStarted).toBe(0);
    await pool.start();
    expect(pool.workersStarted).toBe(2);
    await pool.start();
    const results = await pool.train([task(51, { fit: { epochs: 1 } }), task(52, { fit: { epochs: 1 } }), task(53, { fit: { epochs: 1 } })]);
    expect(results.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(pool.workersStarted).toBe(2);
  });

  it("closes cleanly: twice is fine, a running task is rejected, later calls say the pool is closed", async () => {
    const pool = newPool(1);
    // Catch at once: the rejection comes while close() is awaited (an unhandled one would end the process).
    const running = pool.train([task(41, { fit: { epochs: 50, batchSize: 64 } })]).catch((e: unknown) => e);
    await pool.close();
    await pool.close();
    const error = (await running) as TaskError;
    expect(error).toBeInstanceOf(TaskError);
    expect(error.taskIndex).toBe(0);
    expect(error.message).toContain("the pool was closed while the task was running");
    await expect(pool.train([task(1)])).rejects.toThrow("TrainingPool.train: the pool is closed; make a new TrainingPool");
    await expect(pool.run([])).rejects.toThrow("the pool is closed");
  });
});

describe("training tasks", () => {
  it("seed the weights from the task's seed alone: same seed, same weights; different seed, different weights", async () => {
    const [a, b, c] = await trainSequential([task(5, { fit: { epochs: 0 } }), task(5, { fit: { epochs: 0 } }), task(6, { fit: { epochs: 0 } })]);
    expectSameWeights(a!.weights, b!.weights);
    expect(bytes(a!.weights[0]!.values).equals(bytes(c!.weights[0]!.values))).toBe(false);
  });

  it("reseed every initializer of the topology, each with its own seed, without touching the original", () => {
    // One seeded initializer shared by two layers: rebuilt as is, both layers would get the same first draw.
    const shared = tf.initializers.heNormal({ seed: 7 });
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 4, kernelInitializer: shared, name: "a" }),
        tf.layers.dense({ units: 4, kernelInitializer: shared, biasInitializer: "zeros", name: "b" }),
      ],
    });
    const original = modelTopology(model);
    model.dispose();
    const frozen = JSON.stringify(original);
    const seeds = (t: Record<string, unknown>) =>
      [...JSON.stringify(t).matchAll(/"kernel_initializer":\{"class_name":"\w+","config":\{[^}]*"seed":(\w+)/g)].map((m) => m[1]);
    expect(seeds(original)).toEqual(["7", "7"]);
    const reseeded = seedInitializers(original, new Rng(1));
    const again = seedInitializers(original, new Rng(1));
    expect(JSON.stringify(original)).toBe(frozen);
    expect(reseeded).toEqual(again);
    const [first, second] = seeds(reseeded);
    expect(first).not.toBe(second);
    expect(first).not.toBe("7");
  });

  it("train on the rows `indices` picks: all rows in order equal no indices; a bootstrap sample differs", async () => {
    const all = Int32Array.from({ length: 256 }, (_, i) => i);
    const bootstrap = new Rng(3);
    const sample = Int32Array.from({ length: 256 }, () => bootstrap.int(256));
    const [plain, indexed, bagged] = await trainSequential([task(8), task(8, { data: { x, y, indices: all } }), task(8, { data: { x, y, indices: sample } })]);
    expectSameWeights(plain!.weights, indexed!.weights);
    expect(bytes(plain!.weights[0]!.values).equals(bytes(bagged!.weights[0]!.values))).toBe(false);
  });

  it("restore in this thread to the model the worker trained: the same predictions bit for bit, no leaked tensors", async () => {
    const [result] = await newPool(1).train([task(9, { predict: xTest })]);
    const before = tf.memory().numTensors;
    const model = await restoreModel(topology, result!.weights);
    const input = fromPlainTensor(xTest);
    const output = model.predict(input) as tf.Tensor;
    expect(bytes(output.dataSync()).equals(bytes(result!.predictions!.values))).toBe(true);
    tf.dispose([input, output]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("start from given weights when asked: every seed then trains the same model", async () => {
    const model = mlp();
    const start = modelWeights(model);
    model.dispose();
    const [a, b] = await trainSequential([
      task(1, { initialWeights: start, fit: { epochs: 1, shuffle: false } }),
      task(2, { initialWeights: start, fit: { epochs: 1, shuffle: false } }),
    ]);
    expectSameWeights(a!.weights, b!.weights);
  });

  it("move each distinct big array to shared memory once, leaving the caller's tasks as they were", () => {
    const tasks = [task(1), task(2), task(3, { predict: xTest })];
    const shared = shareTaskArrays(tasks);
    expect(isShared(shared[0]!.data.x.values)).toBe(true);
    expect(shared[1]!.data.x.values).toBe(shared[0]!.data.x.values);
    expect(shared[2]!.data.y.values).toBe(shared[0]!.data.y.values);
    expect(bytes(shared[0]!.data.x.values).equals(bytes(x.values))).toBe(true);
    expect(isShared(shared[2]!.predict!.values)).toBe(true);
    expect(tasks[0]!.data.x.values).toBe(x.values);
    expect(isShared(x.values)).toBe(false);
  });
});

describe("worker script", () => {
  it("is found in dist from the TypeScript sources, and its absence says to build", () => {
    expect(workerScriptPath()).toBe(path.resolve(__dirname, "../../kernel-lib/dist/parallel/worker.js"));
    expect(() => workerScriptPath(path.join(scratch, "src", "parallel"))).toThrow(/worker script is missing .*run `npm run build`/);
  });
});
