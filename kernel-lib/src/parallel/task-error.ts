/**
 * The error a pool (or its sequential twin) throws when a task fails: which task, and what the thread that ran it
 * saw, stack included.
 */
import type { RemoteError } from "./protocol";

export class TaskError extends Error {
  /**
   * @param taskIndex the failed task's position in the submitted list
   * @param remote the error as the running thread saw it (name, message, stack)
   * @param where the thread that ran it, e.g. "worker thread 3" or "the main thread"
   */
  constructor(
    readonly taskIndex: number,
    readonly remote: RemoteError,
    readonly where: string,
  ) {
    super(`task ${taskIndex} failed in ${where}: ${remote.name === "Error" ? "" : `${remote.name}: `}${remote.message}`);
    this.name = "TaskError";
    if (remote.stack) this.stack = `${this.name}: ${this.message}\n  stack in ${where}:\n${remote.stack}`;
  }
}
