import { ArmResponse } from './types';

/*
 * ARM error answers: `{ "error": { "code", "message" } }` with the codes and wording Azure
 * Resource Manager uses, so that clients' error handling meets realistic input.
 */

/** Thrown by route handlers to answer with an ARM error. */
export class ArmHttpError extends Error {
  constructor(readonly response: ArmResponse) {
    super(
      (response.body as { error?: { message?: string } } | undefined)?.error
        ?.message ?? `ARM error ${response.status}`,
    );
    this.name = 'ArmHttpError';
  }
}

/** An ARM error answer. */
export function armError(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): ArmResponse {
  return { status, body: { error: { code, message } }, headers };
}

/** The ARM error code conventionally used for an HTTP status. */
export function defaultErrorCode(status: number): string {
  return (
    {
      400: 'BadRequest',
      401: 'AuthenticationFailed',
      403: 'AuthorizationFailed',
      404: 'NotFound',
      409: 'Conflict',
      429: 'TooManyRequests',
      500: 'InternalServerError',
      502: 'BadGateway',
      503: 'ServiceUnavailable',
      504: 'GatewayTimeout',
    }[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequest')
  );
}

export const armErrors = {
  missingToken(): ArmResponse {
    return armError(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
      {
        'www-authenticate':
          'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
      },
    );
  },

  invalidToken(): ArmResponse {
    return armError(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is provided in an invalid format.",
      {
        'www-authenticate':
          'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The authentication failed because the \'Authorization\' header is not a bearer token."',
      },
    );
  },

  /** ARM's answer to a token of another tenant than the subscription's. */
  wrongTenant(
    tokenTenant: string | undefined,
    subscriptionTenant: string | undefined,
  ): ArmResponse {
    const issuer = (tenant: string | undefined) =>
      `https://sts.windows.net/${tenant ?? 'home-tenant'}/`;
    return armError(
      401,
      'InvalidAuthenticationTokenTenant',
      `The access token is from the wrong issuer '${issuer(
        tokenTenant,
      )}'. It must match the tenant '${issuer(
        subscriptionTenant,
      )}' associated with this subscription. Please use the authority (URL) '${issuer(
        subscriptionTenant,
      ).replace('sts.windows.net', 'login.windows.net')}' to get the token.`,
      {
        'www-authenticate': `Bearer authorization_uri="https://login.windows.net/${
          subscriptionTenant ?? 'home-tenant'
        }", error="invalid_token", error_description="The access token is from the wrong issuer."`,
      },
    );
  },

  unknownRoute(method: string, url: string): ArmResponse {
    return armError(
      404,
      'NotFound',
      `No HTTP resource was found that matches the request URI '${url}' (method ${method}); the ARM emulator does not serve it.`,
    );
  },

  methodNotAllowed(method: string): ArmResponse {
    return armError(
      405,
      'MethodNotAllowed',
      `The requested resource does not support http method '${method}'.`,
    );
  },

  missingApiVersion(): ArmResponse {
    return armError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  },

  invalidApiVersion(
    given: string,
    resourceType: string,
    supported: readonly string[],
  ) {
    return armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${given}' is invalid for resource type '${resourceType}'. The supported versions are '${supported.join(
        ',',
      )}'.`,
    );
  },

  subscriptionNotFound(subscriptionId: string): ArmResponse {
    return armError(
      404,
      'SubscriptionNotFound',
      `The subscription '${subscriptionId}' could not be found.`,
    );
  },

  resourceGroupNotFound(resourceGroup: string): ArmResponse {
    return armError(
      404,
      'ResourceGroupNotFound',
      `Resource group '${resourceGroup}' could not be found.`,
    );
  },

  resourceNotFound(resourceType: string, name: string, resourceGroup?: string) {
    return armError(
      404,
      'ResourceNotFound',
      `The Resource '${resourceType}/${name}' ${
        resourceGroup ? `under resource group '${resourceGroup}' ` : ''
      }was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  },

  badRequest(code: string, message: string): ArmResponse {
    return armError(400, code, message);
  },
};
