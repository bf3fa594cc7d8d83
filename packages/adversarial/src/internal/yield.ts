/** Yielding to the event loop between training steps. */
/** Lets the event loop run: setImmediate in Node, a MessageChannel round trip in browsers (no 4 ms clamp). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const g = globalThis as { setImmediate?: (f: () => void) => unknown; MessageChannel?: typeof MessageChannel };
    if (typeof g.setImmediate === 'function') g.setImmediate(resolve);
    else if (typeof g.MessageChannel === 'function') {
      const ch = new g.MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    } else setTimeout(resolve, 0);
  });
}
