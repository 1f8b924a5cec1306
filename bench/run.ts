/**
 * `npm run bench`: what training costs on this machine, printed as a table and written to reports/bench.json.
 * - reference MLP (784-256-256-10, ReLU, batch 128, SGD, softmax cross-entropy) trained by kernel-lib `fit` on
 *   MNIST: samples/s and peak tensor memory of one step, per backend; on wasm with tfjs's stock kernels and with
 *   kernel-lib's (`installWasmKernels`), interleaved in the same run;
 * - a small CNN (conv 3x3x8, pool, conv 3x3x16, pool, dense 10; batch 64): samples/s per backend (stock wasm has
 *   no Conv2DBackpropFilter kernel, so it cannot train one);
 * - kernel-lib's BatchNorm vs tf.layers.batchNormalization, forward + backward in training mode, per backend;
 * - k = 4 independent MLP trainings, one after another vs on a `TrainingPool` of worker threads;
 * - regularizers per batch: kernel-lib's InvertedDropout vs tf.layers.dropout in training mode, the augmentation
 *   pipelines of notebooks 09 (random affine on 128 digits) and AlexNet's (flip + padded crop + color PCA on
 *   128 color images);
 * - smaller costs: 512x512 matmul, chart rendering, MNIST loading, fitting ZCA whitening to 784-D MNIST.
 * Timings are medians of several repeats after a warm-up; every random draw has a fixed seed. The last column
 * compares with stock tfjs-wasm measured in the same run.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  augmentation,
  batchNormLayer,
  chartBundle,
  colorPca,
  fit,
  fitColorPca,
  horizontalFlip,
  imageGrid,
  initBackend,
  installWasmKernels,
  invertedDropoutLayer,
  lineChart,
  loadMnist,
  loadMnistArrays,
  modelTopology,
  optimizerSpec,
  randomAffine,
  randomCrop,
  tf,
  toPlainTensor,
  trainSequential,
  TrainingPool,
  uninstallWasmKernels,
  ZcaWhitening,
  type BackendName,
  type TrainingTask,
} from "kernel-lib";

interface Row {
  benchmark: string;
  backend: string;
  result: string;
  /** How many times faster than stock tfjs-wasm on the same benchmark ("" when not comparable). */
  vsStockWasm: string;
  /** The number behind `result`, for the JSON file. */
  value?: number;
  unit?: string;
}

const OUTPUT = path.join(__dirname, "..", "reports", "bench.json");

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

/** Medians of two variants timed in alternation (a, b, a, b, ...), so that a busy machine slows both alike. */
async function interleaved(repeats: number, a: () => Promise<void> | void, b: () => Promise<void> | void): Promise<[number, number]> {
  await a();
  await b();
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < repeats; i++) {
    for (const [body, times] of [
      [a, ta],
      [b, tb],
    ] as const) {
      const start = performance.now();
      await body();
      times.push(performance.now() - start);
    }
  }
  const mid = (t: number[]) => t.sort((x, y) => x - y)[Math.floor(t.length / 2)]!;
  return [mid(ta), mid(tb)];
}

function referenceMlp(seed: number): tf.Sequential {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: s });
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 256, activation: "relu", kernelInitializer: init(seed), name: "mlp_dense1" }),
      tf.layers.dense({ units: 256, activation: "relu", kernelInitializer: init(seed + 1), name: "mlp_dense2" }),
      tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: init(seed + 2), name: "mlp_out" }),
    ],
  });
}

function smallCnn(seed: number): tf.Sequential {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: s });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: "relu", kernelInitializer: init(seed), name: "cnn_conv1" }),
      tf.layers.maxPooling2d({ poolSize: 2, name: "cnn_pool1" }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: "relu", kernelInitializer: init(seed + 1), name: "cnn_conv2" }),
      tf.layers.maxPooling2d({ poolSize: 2, name: "cnn_pool2" }),
      tf.layers.flatten({ name: "cnn_flatten" }),
      tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: init(seed + 2), name: "cnn_out" }),
    ],
  });
}

/** Samples per second of one epoch of `fit` over `samples` MNIST digits (median of `repeats`), and peak bytes of one step. */
async function trainingThroughput(
  make: () => tf.Sequential,
  samples: number,
  batchSize: number,
  images: boolean,
  variants: { stock?: () => void; patched?: () => void } = {},
): Promise<{ perSecond: number[]; peakBytes: number }> {
  const data = loadMnist({ seed: 1, trainLimit: samples, testLimit: 10 });
  const x = images ? data.xTrain.reshape([-1, 28, 28, 1]) : data.xTrain;
  const y = tf.oneHot(data.yTrain, 10);
  const model = make();
  model.compile({ optimizer: tf.train.sgd(0.05), loss: "categoricalCrossentropy" });
  const epoch = async () => {
    await fit(model, x, y, { epochs: 1, batchSize, seed: 1 });
  };
  const xb = x.slice(0, batchSize);
  const yb = y.slice(0, batchSize);
  const profile = await tf.profile(async () => {
    await model.trainOnBatch(xb, yb);
  });
  let perSecond: number[];
  if (variants.stock && variants.patched) {
    const stock = variants.stock;
    const patched = variants.patched;
    const [msStock, msPatched] = await interleaved(
      3,
      async () => {
        stock();
        await epoch();
      },
      async () => {
        patched();
        await epoch();
      },
    );
    perSecond = [(samples / msStock) * 1000, (samples / msPatched) * 1000];
  } else {
    perSecond = [(samples / (await median(3, epoch))) * 1000];
  }
  tf.dispose([xb, yb, y]);
  if (images) x.dispose();
  data.dispose();
  model.dispose();
  return { perSecond, peakBytes: profile.peakBytes };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

async function mlpAndCnn(rows: Row[], backend: string): Promise<void> {
  const wasm = backend === "wasm";
  const variants = wasm ? { stock: uninstallWasmKernels, patched: () => void installWasmKernels() } : {};
  const mlpSamples = backend === "cpu" ? 1024 : 8192;
  const mlp = await trainingThroughput(() => referenceMlp(1), mlpSamples, 128, false, variants);
  const label = "MLP 784-256-256-10, batch 128, SGD";
  if (wasm) {
    const [stock, patched] = mlp.perSecond as [number, number];
    rows.push({
      benchmark: `${label} (stock tfjs kernels)`,
      backend,
      result: `${stock.toFixed(0)} samples/s`,
      vsStockWasm: "1.00x",
      value: stock,
      unit: "samples/s",
    });
    rows.push({
      benchmark: `${label} (kernel-lib kernels)`,
      backend,
      result: `${patched.toFixed(0)} samples/s`,
      vsStockWasm: `${(patched / stock).toFixed(2)}x`,
      value: patched,
      unit: "samples/s",
    });
    stockWasmMlp = stock;
  } else {
    const v = mlp.perSecond[0]!;
    rows.push({ benchmark: label, backend, result: `${v.toFixed(0)} samples/s`, vsStockWasm: ratio(v, stockWasmMlp), value: v, unit: "samples/s" });
  }
  rows.push({
    benchmark: `${label}: peak tensor memory of one step`,
    backend,
    result: mib(mlp.peakBytes),
    vsStockWasm: "",
    value: mlp.peakBytes,
    unit: "bytes",
  });

  const cnnLabel = "CNN conv8-pool-conv16-pool-dense10, batch 64";
  const cnnSamples = backend === "cpu" ? 256 : 2048;
  if (wasm) {
    uninstallWasmKernels();
    const stockCan = tf.getKernel("Conv2DBackpropFilter", "wasm") !== undefined;
    installWasmKernels();
    if (!stockCan)
      rows.push({ benchmark: `${cnnLabel} (stock tfjs kernels)`, backend, result: "cannot train: no Conv2DBackpropFilter kernel", vsStockWasm: "" });
  }
  const cnn = await trainingThroughput(() => smallCnn(11), cnnSamples, 64, true);
  const v = cnn.perSecond[0]!;
  rows.push({
    benchmark: wasm ? `${cnnLabel} (kernel-lib kernels)` : cnnLabel,
    backend,
    result: `${v.toFixed(0)} samples/s`,
    vsStockWasm: "",
    value: v,
    unit: "samples/s",
  });
}

let stockWasmMlp: number | undefined;
const ratio = (value: number, stock: number | undefined) => (stock === undefined ? "" : `${(value / stock).toFixed(2)}x`);

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
    rows.push({ benchmark: `${label} fwd+bwd [${shape.join(", ")}]`, backend, result: `${ms.toFixed(2)} ms`, vsStockWasm: "", value: ms, unit: "ms" });
    layer.dispose();
  }
  x.dispose();
}

/** Per-batch costs of the dropout layers and of two augmentation pipelines (fresh randomness at every call). */
async function regularizerCosts(rows: Row[], backend: string): Promise<void> {
  const activations = tf.randomNormal([128, 256], 0, 1, "float32", 5);
  const dropouts: [string, tf.layers.Layer][] = [
    ["kernel-lib InvertedDropout", invertedDropoutLayer({ keepProb: 0.5, seed: 1, name: "bench_inverted_dropout" })],
    ["tf.layers.dropout", tf.layers.dropout({ rate: 0.5, name: "bench_tf_dropout" })],
  ];
  for (const [label, layer] of dropouts) {
    const ms = await median(20, () => {
      tf.tidy(() => (layer.apply(activations, { training: true }) as tf.Tensor).dataSync());
    });
    rows.push({ benchmark: `${label}, training [128, 256]`, backend, result: `${ms.toFixed(2)} ms`, vsStockWasm: "", value: ms, unit: "ms" });
    layer.dispose();
  }
  activations.dispose();

  const digits = tf.randomUniform([128, 28, 28, 1], 0, 1, "float32", 6);
  const affine = augmentation([randomAffine({ degrees: 12, scale: [0.9, 1.1], maxShift: 2 })], { seed: 7 });
  const affineMs = await median(10, () => {
    tf.tidy(() => affine.apply(digits).dataSync());
  });
  rows.push({
    benchmark: "augmentation: random affine, 128 digits",
    backend,
    result: `${affineMs.toFixed(1)} ms`,
    vsStockWasm: "",
    value: affineMs,
    unit: "ms",
  });
  digits.dispose();

  const colors = tf.randomUniform([128, 32, 32, 3], 0, 1, "float32", 8);
  const alexNet = augmentation(
    [horizontalFlip(), randomCrop({ padding: 4, paddingMode: "reflect" }), colorPca({ fit: fitColorPca(colors as tf.Tensor4D), axisScale: "stddev" })],
    { seed: 9 },
  );
  const alexNetMs = await median(10, () => {
    tf.tidy(() => alexNet.apply(colors).dataSync());
  });
  rows.push({
    benchmark: "augmentation: flip + reflect crop + color PCA, 128 x 32x32x3",
    backend,
    result: `${alexNetMs.toFixed(1)} ms`,
    vsStockWasm: "",
    value: alexNetMs,
    unit: "ms",
  });
  colors.dispose();
}

async function matmul(rows: Row[], backend: string): Promise<void> {
  const n = 512;
  const a = tf.randomNormal([n, n], 0, 1, "float32", 1);
  const b = tf.randomNormal([n, n], 0, 1, "float32", 2);
  for (const [label, transposeB] of [
    ["A·B", false],
    ["A·Bᵀ", true],
  ] as const) {
    const ms = await median(backend === "cpu" ? 3 : 10, () => {
      // Return nothing from tidy: it walks a returned typed array element by element looking for tensors.
      tf.tidy(() => {
        tf.matMul(a, b, false, transposeB).dataSync();
      });
    });
    const gflops = (2 * n ** 3) / (ms / 1000) / 1e9;
    rows.push({
      benchmark: `matmul ${n}x${n} ${label}`,
      backend,
      result: `${ms.toFixed(1)} ms, ${gflops.toFixed(1)} GFLOP/s`,
      vsStockWasm: "",
      value: gflops,
      unit: "GFLOP/s",
    });
  }
  tf.dispose([a, b]);
}

/** k independent trainings of the reference MLP: `trainSequential` in this thread vs a `TrainingPool`. */
async function parallelTrainings(rows: Row[], backend: string): Promise<void> {
  const k = 4;
  const samples = 4096;
  const data = loadMnist({ seed: 2, trainLimit: samples, testLimit: 10 });
  const y = tf.oneHot(data.yTrain, 10);
  const template = referenceMlp(1);
  const tasks: TrainingTask[] = Array.from({ length: k }, (_, i) => ({
    model: modelTopology(template),
    compile: { optimizer: optimizerSpec(tf.train.sgd(0.05)), loss: "categoricalCrossentropy" },
    data: { x: toPlainTensor(data.xTrain), y: toPlainTensor(y) },
    fit: { epochs: 1, batchSize: 128 },
    seed: 100 + i,
  }));
  // One x/y array object shared by all tasks: the pool sends it once.
  for (const task of tasks) task.data = tasks[0]!.data;
  template.dispose();
  tf.dispose(y);
  data.dispose();
  const workers = Math.min(k, os.availableParallelism());
  const pool = new TrainingPool({ workers });
  try {
    await pool.train(tasks.slice(0, workers)); // start the workers and their backends
    const [msSequential, msParallel] = await interleaved(
      2,
      async () => {
        await trainSequential(tasks);
      },
      async () => {
        await pool.train(tasks);
      },
    );
    const label = `${k} x MLP 784-256-256-10, 1 epoch of ${samples}`;
    rows.push({
      benchmark: `${label}, sequential`,
      backend,
      result: `${(msSequential / 1000).toFixed(1)} s`,
      vsStockWasm: "",
      value: msSequential,
      unit: "ms",
    });
    rows.push({
      benchmark: `${label}, TrainingPool of ${workers} workers`,
      backend,
      result: `${(msParallel / 1000).toFixed(1)} s (${(msSequential / msParallel).toFixed(2)}x faster)`,
      vsStockWasm: "",
      value: msParallel,
      unit: "ms",
    });
  } finally {
    await pool.close();
  }
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
  const lineMs = await median(10, () => chartBundle(curve).then(() => undefined));
  rows.push({ benchmark: "chartBundle: line chart, 100 points", backend: "-", result: `${lineMs.toFixed(1)} ms`, vsStockWasm: "", value: lineMs, unit: "ms" });
  const { images } = loadMnistArrays();
  const digits = Array.from({ length: 16 }, (_, i) => images.subarray(i * 784, (i + 1) * 784));
  const grid = imageGrid({ images: digits, height: 28, width: 28 });
  const gridMs = await median(10, () => chartBundle(grid).then(() => undefined));
  rows.push({ benchmark: "chartBundle: 16-digit image grid", backend: "-", result: `${gridMs.toFixed(1)} ms`, vsStockWasm: "", value: gridMs, unit: "ms" });
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
    rows.push({ benchmark: "MNIST 10k: parse JSON + write cache", backend: "-", result: `${cold.toFixed(0)} ms`, vsStockWasm: "", value: cold, unit: "ms" });
    rows.push({ benchmark: "MNIST 10k: read binary cache", backend: "-", result: `${warm.toFixed(0)} ms`, vsStockWasm: "", value: warm, unit: "ms" });
  } finally {
    if (saved === undefined) delete process.env.KERNEL_LIB_CACHE_DIR;
    else process.env.KERNEL_LIB_CACHE_DIR = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function whitening(rows: Row[]): void {
  const { images } = loadMnistArrays();
  const count = 2000;
  const digits = tf.tensor2d(images.subarray(0, count * 784), [count, 784]);
  const start = performance.now();
  new ZcaWhitening({ epsilon: 0.1 }).fit(digits);
  const seconds = (performance.now() - start) / 1000;
  rows.push({
    benchmark: `ZcaWhitening.fit, ${count} x 784 MNIST`,
    backend: "-",
    result: `${seconds.toFixed(1)} s`,
    vsStockWasm: "",
    value: seconds,
    unit: "s",
  });
  digits.dispose();
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: Row[] = [];
  const auto = await initBackend();
  console.log(auto.text);
  // wasm first: the other backends' MLP rows are compared with its stock number.
  const backends: BackendName[] = ["wasm", ...([auto.name, "cpu"] as BackendName[]).filter((b, i, all) => b !== "wasm" && all.indexOf(b) === i)];
  for (const backend of backends) {
    console.log(`[bench] ${backend}`);
    await initBackend({ backend });
    await mlpAndCnn(rows, backend);
    await batchNormStep(rows, backend);
    await matmul(rows, backend);
    if (backend === "wasm") installWasmKernels();
  }
  await initBackend({ backend: auto.name });
  console.log(`[bench] worker threads (${auto.name})`);
  await parallelTrainings(rows, auto.name);
  await regularizerCosts(rows, auto.name);
  await charts(rows);
  await mnistLoading(rows);
  whitening(rows);

  const columns = ["benchmark", "backend", "result", "vsStockWasm"] as const;
  const headers = ["benchmark", "backend", "result", "vs stock wasm"];
  const widths = columns.map((k, i) => Math.max(headers[i]!.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(`\n${line(headers)}\n${line(widths.map((w) => "-".repeat(w)))}`);
  for (const r of rows) console.log(line(columns.map((k) => r[k])));
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const minutes = (performance.now() - started) / 60000;
  console.log(`\nmachine: ${machine}; peak resident memory of this process ${mib(peakRss)}; ${minutes.toFixed(1)} min`);
  fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
  fs.writeFileSync(OUTPUT, JSON.stringify({ date: new Date().toISOString(), machine, peakRssBytes: peakRss, minutes, rows }, null, 2) + "\n");
  console.log(`wrote ${path.relative(process.cwd(), OUTPUT)}`);
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
