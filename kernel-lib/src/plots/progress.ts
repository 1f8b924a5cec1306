/**
 * A text progress bar for long loops, updated in place: in a notebook one output rewritten through its
 * display_id; in a terminal one line rewritten with a carriage return; elsewhere (logs) only the last line.
 */
import { checkInteger } from "../errors";
import { DisplayHandle } from "./jupyter";

export interface ProgressOptions {
  /** Number of steps in the loop. */
  total: number;
  /** Text before the bar. */
  label?: string;
  /** Characters in the bar. Default 30. */
  width?: number;
  /** Least milliseconds between two redraws (the last step always draws). Default 100. */
  minIntervalMs?: number;
}

export class ProgressBar {
  readonly total: number;
  private readonly label: string;
  private readonly width: number;
  private readonly minIntervalMs: number;
  private readonly handle = new DisplayHandle();
  private readonly started = Date.now();
  private lastDraw = 0;
  private done = 0;
  private note = "";

  constructor(options: ProgressOptions) {
    this.total = checkInteger("progressBar", "options.total", options.total, 1);
    this.label = options.label ?? "";
    this.width = checkInteger("progressBar", "options.width", options.width ?? 30, 1);
    this.minIntervalMs = options.minIntervalMs ?? 100;
  }

  /** Steps completed so far. */
  get completed(): number {
    return this.done;
  }

  /** Advances by `steps` (default 1) and sets the note shown after the bar (e.g. `loss=0.31`). */
  tick(steps = 1, note?: string): void {
    this.done = Math.min(this.total, this.done + steps);
    if (note !== undefined) this.note = note;
    const now = Date.now();
    if (this.done === this.total || now - this.lastDraw >= this.minIntervalMs) {
      this.lastDraw = now;
      this.draw();
    }
  }

  /** The bar as text. */
  render(): string {
    const fraction = this.done / this.total;
    const filled = Math.round(fraction * this.width);
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const head = this.label ? `${this.label} ` : "";
    const tail = this.note ? ` ${this.note}` : "";
    return `${head}[${"#".repeat(filled)}${".".repeat(this.width - filled)}] ${this.done}/${this.total} ${(fraction * 100).toFixed(0)}% ${seconds}s${tail}`;
  }

  private draw(): void {
    const text = this.render();
    if (this.handle.write({ "text/plain": text })) return;
    if (process.stderr.isTTY) process.stderr.write(`\r${text}${this.done === this.total ? "\n" : ""}`);
    else if (this.done === this.total) process.stderr.write(`${text}\n`);
  }
}

/** Starts a progress bar: `const bar = progressBar({ total: steps, label: "epoch 1" }); bar.tick(1, "loss=0.3")`. */
export function progressBar(options: ProgressOptions): ProgressBar {
  return new ProgressBar(options);
}
