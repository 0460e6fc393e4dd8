/**
 * The Bicep equivalent of onboarding one API, for teams that manage Azure as code. Pure, so the
 * snippet is tested without rendering.
 */
import { ApiManagementApiInfo } from '@defender-apis/plugin-defender-apis-common';

/** The API fields the snippet needs. */
export type BicepTarget = Pick<
  ApiManagementApiInfo,
  'subscriptionId' | 'resourceGroup' | 'serviceName' | 'apiId'
>;

/** A Bicep single-quoted string literal; Bicep escapes `\`, `'` and `${` with a backslash. */
function bicepString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\$\{/g, '\\${')
    .replace(/\r?\n/g, '\\n');
  return `'${escaped}'`;
}

/** Keeps a value on its comment line whatever it contains. */
function commentText(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

/**
 * Bicep that creates the `Microsoft.Security/apiCollections` resource onboarding the API to
 * Defender for APIs, at the scope of its API Management service. Deploy it into the service's
 * own subscription and resource group.
 */
export function apiCollectionBicep(target: BicepTarget): string {
  const subscription = commentText(target.subscriptionId);
  const resourceGroup = commentText(target.resourceGroup);
  return [
    `// Onboards API "${commentText(
      target.apiId,
    )}" of API Management service "${commentText(
      target.serviceName,
    )}" to Microsoft Defender for APIs.`,
    `// Deploy into subscription ${subscription}, resource group ${resourceGroup} (the service's own), e.g.:`,
    `//   az deployment group create --subscription ${subscription} --resource-group ${resourceGroup} --template-file defender-for-apis.bicep`,
    `resource apim 'Microsoft.ApiManagement/service@2022-08-01' existing = {`,
    `  name: ${bicepString(target.serviceName)}`,
    `}`,
    ``,
    `resource apiCollection 'Microsoft.Security/apiCollections@2023-11-15' = {`,
    `  scope: apim`,
    `  name: ${bicepString(target.apiId)}`,
    `}`,
    ``,
  ].join('\n');
}
