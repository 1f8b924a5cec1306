/**
 * The bridge to the tslab kernel. tslab's public `display.raw(mime, data)` sends one mime type per output;
 * a chart needs a bundle of several (Vega-Lite for JupyterLab, SVG for exported HTML), which only tslab's
 * internal `lastWriteDisplayData` can send. We find the copy of tslab the running kernel loaded (in
 * `require.cache`), so this works wherever kernel-lib is installed. Outside a kernel there is none.
 */
import { randomBytes } from "crypto";
import * as path from "path";

export type MimeBundle = Record<string, unknown>;

/** tslab's `writeDisplayData({ data, metadata, transient }, update)`. */
export type WriteDisplayData = (message: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id?: string } }, update: boolean) => void;

const TSLAB_JUPYTER = path.join("tslab", "dist", "jupyter.js");

/** The kernel's display writer, or null when this process is not a tslab kernel executing a cell. */
export function kernelDisplayWriter(): WriteDisplayData | null {
  for (const [file, entry] of Object.entries(require.cache)) {
    if (!file.endsWith(TSLAB_JUPYTER)) continue;
    const writer = (entry?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof writer === "function") return writer as WriteDisplayData;
  }
  return null;
}

/** True inside a tslab kernel. */
export function inKernel(): boolean {
  return kernelDisplayWriter() !== null;
}

/**
 * One output area in the notebook that later writes overwrite (Jupyter's display_id / update_display_data).
 * Outside a kernel, writes go nowhere and `write` returns false.
 */
export class DisplayHandle {
  readonly id = randomBytes(8).toString("hex");
  private shown = false;

  write(bundle: MimeBundle): boolean {
    const writer = kernelDisplayWriter();
    if (!writer) return false;
    writer({ data: bundle, metadata: {}, transient: { display_id: this.id } }, this.shown);
    this.shown = true;
    return true;
  }
}
