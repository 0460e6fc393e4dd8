import { ResponseError } from '@backstage/errors';

/**
 * The error a backend module reports when its read of the Defender for APIs backend failed:
 * who read, which route, the status and the backend's own message (at most 500 characters).
 * Errors that are not HTTP answers keep their message behind the reader's name.
 *
 * @public
 */
export function describeBackendFailure(
  reader: string,
  route: string,
  error: unknown,
): Error {
  if (!(error instanceof ResponseError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(`${reader}: ${message}`, { cause: error });
  }
  const { status, statusText } = error.response;
  const detail = error.body.error?.message ?? '';
  return new Error(
    `${reader}: ${route} failed with status ${status}${
      statusText ? ` ${statusText}` : ''
    }${detail ? `: ${detail.slice(0, 500)}` : ''}`,
    { cause: error },
  );
}
