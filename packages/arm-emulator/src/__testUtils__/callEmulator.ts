import https from 'node:https';
import type { ArmEmulator } from '../server/startArmEmulator';

/** An unsigned token naming its tenant, as the plugin's emulator credential makes. */
export const tokenFor = (tenantId: string) =>
  `${['{"alg":"none"}', JSON.stringify({ tid: tenantId })]
    .map(p => Buffer.from(p).toString('base64url'))
    .join('.')}.`;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/** One HTTPS request that trusts only the emulator's CA, as the SDK would with NODE_EXTRA_CA_CERTS. */
export function call(
  emulator: ArmEmulator,
  method: string,
  pathOrUrl: string,
  options: { token?: string | null; body?: unknown } = {},
): Promise<Answer> {
  const url = new URL(pathOrUrl, emulator.url);
  const token = options.token === undefined ? 'test-token' : options.token;
  const body =
    options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: emulator.caCertificate,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', chunk => {
          text += chunk;
        });
        res.on('end', () => {
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
