/**
 * Parts of hand-written ARM operation specs, for operations @azure/arm-security 5.0.0 does
 * not have (or has only in an older api-version). Sent through the SDK client's
 * `sendOperationRequest`, so auth, retries, throttling and error parsing stay the SDK's.
 */
import * as coreClient from '@azure/core-client';

/** ARM's error body: `{ error: { code, message } }`. */
export const CloudErrorMapper: coreClient.CompositeMapper = {
  type: {
    name: 'Composite',
    className: 'CloudError',
    modelProperties: {
      code: { serializedName: 'error.code', type: { name: 'String' } },
      message: { serializedName: 'error.message', type: { name: 'String' } },
    },
  },
};

/** A required URL parameter. */
export const urlParam = (
  name: string,
  serializedName = name,
  skipEncoding = false,
): coreClient.OperationURLParameter => ({
  parameterPath: name,
  mapper: { serializedName, required: true, type: { name: 'String' } },
  ...(skipEncoding ? { skipEncoding } : {}),
});

export const hostParam = urlParam('$host', '$host', true);
export const subscriptionIdParam = urlParam('subscriptionId');

/** The constant `api-version` query parameter. */
export const apiVersionParam = (
  version: string,
): coreClient.OperationQueryParameter => ({
  parameterPath: 'apiVersion',
  mapper: {
    defaultValue: version,
    isConstant: true,
    serializedName: 'api-version',
    type: { name: 'String' },
  },
});

export const acceptJson: coreClient.OperationParameter = {
  parameterPath: 'accept',
  mapper: {
    defaultValue: 'application/json',
    isConstant: true,
    serializedName: 'Accept',
    type: { name: 'String' },
  },
};
