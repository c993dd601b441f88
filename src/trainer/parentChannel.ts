// A trainer (run or sweep) forked with an IPC channel must not outlive its parent (the editor's
// extension host, or a sweep), and must not die of talking to a parent that just went away.

/**
 * When the IPC channel closes because the parent died, `onGone` runs once. The stdout/stderr pipes
 * may then have no reader either: a broken pipe (EPIPE), even one noticed before the channel's close,
 * must not kill the process before it has written its summary. Does nothing when not started with IPC.
 */
export function onParentGone(onGone: () => void): void {
  if (!process.send) return;
  const ignoreBrokenPipe = (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  };
  process.stdout.on('error', ignoreBrokenPipe);
  process.stderr.on('error', ignoreBrokenPipe);
  process.once('disconnect', onGone);
}

/**
 * Sends to the parent while it is there. The callback matters: without one, a send that fails (the
 * parent just died, its end of the channel is gone: EPIPE) is an 'error' event that kills the process.
 */
export const toParent = (e: unknown) => {
  if (process.connected) process.send?.(e, undefined, undefined, () => {});
};
