import { isRestError } from '@azure/core-rest-pipeline';

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * Who asked, as ARM and Microsoft Entra name it: "The client '…' with object id '…'", "tenant
 * '…'", "application id …", "app '…'" (AADSTS), "client_id=…", "objectId: …", "principalId=…".
 * A label, a separator (space, `:` or `=`), then a quoted value, a GUID or a user name (UPN).
 */
const PRINCIPAL_IDS = new RegExp(
  `\\b(client(?:[ _]?id)?|object(?:[ _]?id)?|oid|tenant(?:[ _]?id)?|tid|application(?:[ _]?id)?|app(?:[ _]?id)?|(?:service )?principal(?:[ _]?id)?|(?:managed )?identity|user|identifier|directory)(\\s*[:=]\\s*|\\s+)('[^']*'|"[^"]*"|${GUID}|[^\\s'";,()]+@[^\\s'";,()]+)`,
  'gi',
);

/** A tenant in a token issuer's URL: `iss=https://sts.windows.net/{tenant}/`. */
const ISSUER_TENANT = new RegExp(
  `((?:sts\\.windows\\.net|login\\.microsoftonline\\.com|login\\.windows\\.net)/)${GUID}`,
  'gi',
);

/**
 * Azure's message without the identities of the caller (client, object, tenant and application
 * ids, in every form Azure writes them): every viewer of a card reads it. What failed, the
 * action and the scope (with its subscription) stay.
 */
export function withoutPrincipalIds(message: string): string {
  return message
    .replace(
      PRINCIPAL_IDS,
      (_match, label: string, separator: string, value: string) => {
        const quote =
          value.startsWith("'") || value.startsWith('"') ? value[0] : '';
        return `${label}${separator}${quote}…${quote}`;
      },
    )
    .replace(ISSUER_TENANT, '$1…');
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
