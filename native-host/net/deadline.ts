import type { MssanteError } from '../../shared/errors/mssante-error';

/**
 * `work`'s outcome, or the error `timedOut` makes once `ms` have passed without it settling. The
 * timer is cleared either way, and a failure of `work` after the deadline is caught (of no
 * interest then, and never an unhandled rejection). What late work leaves open is the caller's to
 * close.
 */
export async function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  timedOut: () => MssanteError,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), ms);
  });
  work.catch(() => {});
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
