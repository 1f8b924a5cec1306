/**
 * A stand-in for tslab's kernel: registers a module at a path ending in tslab/dist/jupyter.js in Node's
 * module cache, whose `lastWriteDisplayData` records every display message, as the real kernel's does.
 */
import Module from "module";
import * as path from "path";

export interface DisplayMessage {
  data: Record<string, unknown>;
  transient: { display_id?: string };
  update: boolean;
}

const FAKE = path.join(__dirname, "fake", "node_modules", "tslab", "dist", "jupyter.js");
const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;

export function withFakeKernel<T>(body: (messages: DisplayMessage[]) => Promise<T>): Promise<T> {
  const messages: DisplayMessage[] = [];
  cache[FAKE] = {
    exports: {
      lastWriteDisplayData: (m: { data: Record<string, unknown>; transient: { display_id?: string } }, update: boolean) =>
        messages.push({ data: m.data, transient: m.transient, update }),
    },
  };
  return body(messages).finally(() => delete cache[FAKE]);
}
