import { isRestError } from '@azure/core-rest-pipeline';

// Who asked, as ARM names it: "The client '…' with object id '…'", "tenant '…'", "application id …".
const PRINCIPAL_IDS =
  /\b(client|object id|tenant(?: id)?|application(?: id)?|app id|principal id|identifier|directory)(\s+)('[^']*'|"[^"]*"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;

/**
 * Azure's message without the identities of the caller (client, object, tenant and application
 * ids): every viewer of a card reads it. What failed, the action and the scope stay.
 */
export function withoutPrincipalIds(message: string): string {
  return message.replace(
    PRINCIPAL_IDS,
    (_match, label: string, space: string, value: string) => {
      const quote =
        value.startsWith("'") || value.startsWith('"') ? value[0] : '';
      return `${label}${space}${quote}…${quote}`;
    },
  );
}

/**
 * A one-line description of a failed Azure call for users and logs. ARM error messages carry
 * no credentials; request details (headers, tokens) are deliberately left out.
 */
export function describeAzureError(error: unknown, what: string): string {
  if (isRestError(error)) {
    const status = error.statusCode
      ? ` answered ${error.statusCode}`
      : ' could not be reached';
    const code =
      error.code && !/^REQUEST_SEND_ERROR$/.test(error.code)
        ? ` (${error.code})`
        : '';
    return `Azure Resource Manager${status}${code} for ${what}: ${withoutPrincipalIds(
      error.message,
    )}`;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return `Azure Resource Manager did not answer in time for ${what}.`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `Azure call for ${what} failed: ${withoutPrincipalIds(message)}`;
}
