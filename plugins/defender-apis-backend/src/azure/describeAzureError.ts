import { isRestError } from '@azure/core-rest-pipeline';

/**
 * A one-line description of a failed Azure call for users and logs. ARM error messages carry
 * no credentials; request details (headers, tokens) are deliberately left out.
 */
export function describeAzureError(error: unknown, what: string): string {
  if (isRestError(error)) {
    const status = error.statusCode ? ` answered ${error.statusCode}` : ' could not be reached';
    const code = error.code && !/^REQUEST_SEND_ERROR$/.test(error.code) ? ` (${error.code})` : '';
    return `Azure Resource Manager${status}${code} for ${what}: ${error.message}`;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return `Azure Resource Manager did not answer in time for ${what}.`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `Azure call for ${what} failed: ${message}`;
}
