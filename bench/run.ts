/**
 * `npm run bench`: the foundation's costs on this machine, printed as a table.
 * - matmul: 512x512 float32 products per backend (GFLOP/s = 2·n³ / time);
 * - MLP training: kernel-lib `fit` on MNIST, 784-128-10, batch 64, samples per second per backend;
 * - charts: `chartBundle` (Vega-Lite compile + SVG render in Node) for a line chart and a 16-digit grid;
 * - MNIST loading: parsing the package's JSON vs reading the binary cache;
 * - normalizers: kernel-lib's BatchNorm vs tf.layers.batchNormalization, forward + backward in training mode, per
 *   backend; fitting ZCA whitening to 2,000 MNIST digits (784 features: covariance + eigendecomposition).
 * Each timing is the median of several repeats after a warm-up.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  batchNormLayer,
  chartBundle,
  fit,
  imageGrid,
  initBackend,
  lineChart,
  loadMnist,
  loadMnistArrays,
  tf,
  ZcaWhitening,
  type BackendName,
} from "kernel-lib";

interface Row {
  benchmark: string;
  backend: string;
  result: string;
}

async function median(repeats: number, body: () => Promise<void> | void): Promise<number> {
  await body(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await body();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function matmul(rows: Row[], backend: string): Promise<void> {
  const n = 512;
  const a = tf.randomNormal([n, n], 0, 1, "float32", 1);
  const b = tf.randomNormal([n, n], 0, 1, "float32", 2);
  const ms = await median(backend === "cpu" ? 3 : 10, () => {
    // Return nothing from tidy: it walks a returned typed array element by element looking for tensors.
    tf.tidy(() => {
      tf.matMul(a, b).dataSync();
    });
  });
  tf.dispose([a, b]);
  rows.push({ benchmark: `matmul ${n}x${n}`, backend, result: `${ms.toFixed(1)} ms, ${((2 * n ** 3) / (ms / 1000) / 1e9).toFixed(1)} GFLOP/s` });
}

async function training(rows: Row[], backend: string): Promise<void> {
  const samples = backend === "cpu" ? 1024 : 4096;
  const data = loadMnist({ seed: 1, trainLimit: samples, testLimit: 10 });
  const y = tf.oneHot(data.yTrain, 10);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 128, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  const ms = await median(3, async () => {
    await fit(model, data.xTrain, y, { epochs: 1, batchSize: 64, seed: 1 });
  });
  rows.push({ benchmark: "fit MLP 784-128-10, batch 64", backend, result: `${((samples / ms) * 1000).toFixed(0)} samples/s` });
  tf.dispose(y);
  data.dispose();
  model.dispose();
}

async function batchNormStep(rows: Row[], backend: string): Promise<void> {
  const shape = [128, 256];
  // x is a variable so that the backward pass computes ∂/∂x as well as ∂/∂γ and ∂/∂β.
  const x = tf.variable(tf.randomNormal(shape, 0, 1, "float32", 3));
  const layers: [string, tf.layers.Layer][] = [
    ["kernel-lib BatchNorm", batchNormLayer({ name: "bench_bn" })],
    ["tf.layers.batchNormalization", tf.layers.batchNormalization({ name: "bench_tf_bn" })],
  ];
  for (const [label, layer] of layers) {
    layer.apply(x, { training: true }); // builds the weights
    const ms = await median(backend === "cpu" ? 5 : 20, () => {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar);
        for (const g of Object.values(grads)) g.dataSync();
      });
    });
    rows.push({ benchmark: `${label} fwd+bwd [${shape.join(", ")}]`, backend, result: `${ms.toFixed(2)} ms` });
    layer.dispose();
  }
  x.dispose();
}

function whitening(rows: Row[]): void {
  const { images } = loadMnistArrays();
  const count = 2000;
  const digits = tf.tensor2d(images.subarray(0, count * 784), [count, 784]);
  const start = performance.now();
  new ZcaWhitening({ epsilon: 0.1 }).fit(digits);
  rows.push({ benchmark: `ZcaWhitening.fit, ${count} x 784 MNIST`, backend: "-", result: `${((performance.now() - start) / 1000).toFixed(1)} s` });
  digits.dispose();
}

async function charts(rows: Row[]): Promise<void> {
  const curve = lineChart({
    data: Array.from({ length: 50 }, (_, i) => [
      { epoch: i + 1, value: 1 / (i + 1), split: "train" },
      { epoch: i + 1, value: 1.2 / (i + 1), split: "validation" },
    ]).flat(),
    x: "epoch",
    y: "value",
    series: "split",
  });
  rows.push({
    benchmark: "chartBundle: line chart, 100 points",
    backend: "-",
    result: `${(await median(10, () => chartBundle(curve).then(() => undefined))).toFixed(1)} ms`,
  });
  const { images } = loadMnistArrays();
  const digits = Array.from({ length: 16 }, (_, i) => images.subarray(i * 784, (i + 1) * 784));
  const grid = imageGrid({ images: digits, height: 28, width: 28 });
  rows.push({
    benchmark: "chartBundle: 16-digit image grid",
    backend: "-",
    result: `${(await median(10, () => chartBundle(grid).then(() => undefined))).toFixed(1)} ms`,
  });
}

async function mnistLoading(rows: Row[]): Promise<void> {
  const saved = process.env.KERNEL_LIB_CACHE_DIR;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-cache-"));
  try {
    process.env.KERNEL_LIB_CACHE_DIR = dir;
    const cold = await median(3, () => {
      fs.rmSync(dir, { recursive: true, force: true });
      loadMnistArrays();
    });
    const warm = await median(5, () => {
      loadMnistArrays();
    });
    rows.push({ benchmark: "MNIST 10k: parse JSON + write cache", backend: "-", result: `${cold.toFixed(0)} ms` });
    rows.push({ benchmark: "MNIST 10k: read binary cache", backend: "-", result: `${warm.toFixed(0)} ms` });
  } finally {
    if (saved === undefined) delete process.env.KERNEL_LIB_CACHE_DIR;
    else process.env.KERNEL_LIB_CACHE_DIR = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const auto = await initBackend();
  console.log(auto.text);
  const backends: BackendName[] = [auto.name, ...(["wasm", "cpu"] as BackendName[]).filter((b) => b !== auto.name)];
  for (const backend of backends) {
    await initBackend({ backend });
    await matmul(rows, backend);
    await training(rows, backend);
    await batchNormStep(rows, backend);
  }
  await initBackend({ backend: auto.name });
  await charts(rows);
  await mnistLoading(rows);
  whitening(rows);
  const widths = (["benchmark", "backend", "result"] as const).map((k) => Math.max(k.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(`\n${line(["benchmark", "backend", "result"])}\n${line(widths.map((w) => "-".repeat(w)))}`);
  for (const r of rows) console.log(line([r.benchmark, r.backend, r.result]));
  console.log(`\nmachine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`);
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
