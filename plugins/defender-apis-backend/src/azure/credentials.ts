import { AccessToken, TokenCredential } from '@azure/core-auth';
import {
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
} from '@azure/identity';
import { CredentialConfig } from '../config';

/**
 * A fixed, unsigned development token for the ARM emulator, naming the tenant it is for (the
 * `tid` claim, as Entra ID tokens do) when that is not the home tenant: the emulator answers a
 * subscription only tokens of its tenant, as ARM does. Config validation refuses this
 * credential unless the Resource Manager endpoint is on localhost, so it never reaches Azure.
 */
class EmulatorCredential implements TokenCredential {
  constructor(private readonly tenantId?: string) {}

  async getToken(): Promise<AccessToken> {
    const part = (value: object) =>
      Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = {
      aud: 'https://management.azure.com',
      sub: 'arm-emulator-development',
      ...(this.tenantId ? { tid: this.tenantId } : {}),
    };
    return {
      token: `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`,
      expiresOnTimestamp: Date.now() + 60 * 60 * 1000,
    };
  }
}

/**
 * Creates the Azure credential the configuration asks for. `tenantId` selects the tenant of
 * a service whose subscription is outside the credential's home tenant.
 */
export function createCredential(
  config: CredentialConfig,
  tenantId?: string,
): TokenCredential {
  switch (config.type) {
    case 'emulator':
      return new EmulatorCredential(tenantId);
    case 'clientSecret':
      return new ClientSecretCredential(
        tenantId ?? config.tenantId,
        config.clientId,
        config.clientSecret,
      );
    case 'managedIdentity':
      return config.clientId
        ? new ManagedIdentityCredential({ clientId: config.clientId })
        : new ManagedIdentityCredential();
    case 'default':
    default:
      return new DefaultAzureCredential({
        tenantId: tenantId ?? config.tenantId,
        managedIdentityClientId: config.clientId,
      });
  }
}
