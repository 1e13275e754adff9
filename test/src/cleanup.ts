/**
 * Cleanup registered where a resource is created (style.md, Tests): inside a running vitest test,
 * `onTestFinished`; elsewhere (a `beforeAll`, the bench, a script) the caller cleans up itself.
 * vitest is imported lazily so that the harness also runs under plain `node` (the bench).
 */

/** True when `E2E_KEEP=1`: topics, groups and Redis keys of a failed test are kept for inspection. */
export const KEEP_ON_FAILURE = process.env['E2E_KEEP'] === '1';

type Finished = (ctx: { task: { result?: { state?: string } | undefined } }) => unknown;

interface VitestHooks {
  onTestFinished: (fn: Finished, timeout?: number) => void;
}

async function hooks(): Promise<VitestHooks | undefined> {
  if (!process.env['VITEST']) return undefined;
  try {
    return (await import('vitest')) as unknown as VitestHooks;
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` when the current test finishes (passed or failed). Returns false when there is no
 * current test: the caller must clean up.
 */
export async function onFinished(fn: (failed: boolean) => unknown, timeoutMs = 60_000): Promise<boolean> {
  const h = await hooks();
  if (!h) return false;
  try {
    h.onTestFinished((ctx) => fn(ctx.task.result?.state === 'fail'), timeoutMs);
    return true;
  } catch {
    return false; // not inside a test (a hook or module scope)
  }
}
