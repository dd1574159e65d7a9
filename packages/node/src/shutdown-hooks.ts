export interface ShutdownHookActions {
  /** Flush without closing: the app may keep running (its own signal handler decides). */
  flush(): Promise<void>;
  /** Flush and close: the process is about to end. */
  shutdown(): Promise<void>;
  /** Whether anything ended since the last flush, so an idle beforeExit does not loop. */
  hasPendingWork(): boolean;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Flushes on SIGTERM/SIGINT/beforeExit without changing how the app exits. A signal the app does
 * not handle itself would kill the process at once; our listener replaces that default, so after
 * shutting down we remove it and re-raise the signal, and the process dies of that signal exactly
 * as it would have (same exit status for the parent to see). When the app has its own listener we
 * only flush and leave exiting to it. Returns a function that removes the hooks.
 */
export function installShutdownHooks(actions: ShutdownHookActions): () => void {
  let exiting = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (exiting) {
      // A second Ctrl-C while we flush: stop waiting, exit the default way now.
      remove();
      process.kill(process.pid, signal);
      return;
    }
    if (process.listenerCount(signal) > 1) {
      void actions.flush().catch(() => undefined);
      return;
    }
    exiting = true;
    void actions
      .shutdown()
      .catch(() => undefined)
      .finally(() => {
        remove();
        process.kill(process.pid, signal);
      });
  };
  let flushing = false;
  const onBeforeExit = (): void => {
    // The flush's own I/O makes the loop alive again, so beforeExit fires once more after it;
    // with nothing new ended by then we do nothing and the process exits as it would have.
    if (flushing || !actions.hasPendingWork()) return;
    flushing = true;
    void actions
      .flush()
      .catch(() => undefined)
      .finally(() => {
        flushing = false;
      });
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('beforeExit', onBeforeExit);
  const remove = (): void => {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    process.removeListener('beforeExit', onBeforeExit);
  };
  return remove;
}
