import { AccessToken, TokenCredential } from '@azure/core-auth';
import {
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
} from '@azure/identity';
import { CredentialConfig } from '../config';

/**
 * A fixed development token for the ARM emulator. Config validation refuses it unless the
 * Resource Manager endpoint is on localhost, so it can never be sent to Azure.
 */
class EmulatorCredential implements TokenCredential {
  async getToken(): Promise<AccessToken> {
    return {
      token: 'arm-emulator-development-token',
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
      return new EmulatorCredential();
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
