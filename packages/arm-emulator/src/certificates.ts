import {
  generateKeyPairSync,
  randomBytes,
  X509Certificate,
  createPrivateKey,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

/**
 * Where the emulator's certificates live.
 * @public
 */
export interface EmulatorCertificates {
  /** PEM of the local CA; trust it with `NODE_EXTRA_CA_CERTS` or a `ca` option. */
  caFile: string;
  /** PEM of the `localhost` server certificate, signed by the CA. */
  certFile: string;
  /** PEM of the server certificate's private key. */
  keyFile: string;
}

/** Renew certificates that would expire within this margin. */
const RENEW_MARGIN_MS = 7 * 24 * 3600_000;
const CA_VALIDITY_DAYS = 3650;
/** Below the 398 days browsers accept for a server certificate. */
const LEAF_VALIDITY_DAYS = 365;
const LOCK_STALE_MS = 30_000;
const LOCK_TIMEOUT_MS = 60_000;

/** This package's folder, wherever it is installed. */
export function packageDir(): string {
  return path.dirname(
    require.resolve('@defender-apis/arm-emulator/package.json'),
  );
}

/**
 * The default certificate directory: `<repo root>/.cache/arm-emulator`, overridable with the
 * `ARM_EMULATOR_CERT_DIR` environment variable.
 * @public
 */
export function defaultCertDir(): string {
  return (
    process.env.ARM_EMULATOR_CERT_DIR ||
    // The package lives in <repo>/packages/arm-emulator.
    path.resolve(packageDir(), '../..', '.cache/arm-emulator')
  );
}

/**
 * Makes sure `dir` holds a local CA and a `localhost` certificate signed by it (SAN DNS
 * localhost, IP 127.0.0.1 and ::1), reusing existing ones while they are valid so that a
 * CA trusted once stays trusted. Safe to call from several processes at once.
 *
 * @param dir - certificate directory; defaults to {@link defaultCertDir}
 * @public
 */
export function ensureEmulatorCertificates(
  dir: string = defaultCertDir(),
): EmulatorCertificates {
  const files: EmulatorCertificates = {
    caFile: path.join(dir, 'ca.pem'),
    certFile: path.join(dir, 'localhost.pem'),
    keyFile: path.join(dir, 'localhost-key.pem'),
  };
  const caKeyFile = path.join(dir, 'ca-key.pem');
  if (leafIsUsable(files)) return files;

  fs.mkdirSync(dir, { recursive: true });
  withLock(path.join(dir, '.lock'), () => {
    // Another process may have written them while we waited for the lock.
    if (leafIsUsable(files)) return;
    let ca = readCa(files.caFile, caKeyFile);
    if (!ca) {
      ca = createCa();
      writeAtomic(caKeyFile, ca.keyPem, 0o600);
      writeAtomic(files.caFile, ca.certPem, 0o644);
    }
    const leaf = createLeaf(ca);
    writeAtomic(files.keyFile, leaf.keyPem, 0o600);
    writeAtomic(files.certFile, leaf.certPem, 0o644);
  });
  return files;
}

interface KeyAndCert {
  keyPem: string;
  certPem: string;
}

/** True when the leaf exists, is valid for a while, names localhost and is signed by the CA. */
function leafIsUsable(files: EmulatorCertificates): boolean {
  try {
    const ca = new X509Certificate(fs.readFileSync(files.caFile));
    const leaf = new X509Certificate(fs.readFileSync(files.certFile));
    const key = createPrivateKey(fs.readFileSync(files.keyFile));
    return (
      stillValid(ca) &&
      stillValid(leaf) &&
      leaf.verify(ca.publicKey) &&
      leaf.checkPrivateKey(key) &&
      leaf.checkHost('localhost') !== undefined &&
      leaf.checkIP('127.0.0.1') !== undefined
    );
  } catch {
    return false;
  }
}

function readCa(certFile: string, keyFile: string): KeyAndCert | undefined {
  try {
    const certPem = fs.readFileSync(certFile, 'utf8');
    const keyPem = fs.readFileSync(keyFile, 'utf8');
    const cert = new X509Certificate(certPem);
    if (
      !cert.ca ||
      !stillValid(cert) ||
      !cert.checkPrivateKey(createPrivateKey(keyPem))
    ) {
      return undefined;
    }
    return { certPem, keyPem };
  } catch {
    return undefined;
  }
}

function stillValid(cert: X509Certificate): boolean {
  const now = Date.now();
  return (
    Date.parse(cert.validFrom) <= now &&
    Date.parse(cert.validTo) > now + RENEW_MARGIN_MS
  );
}

function createCa(): KeyAndCert {
  const keys = newKeyPair();
  const cert = baseCertificate(keys.publicKey, CA_VALIDITY_DAYS);
  const name = [
    { name: 'commonName', value: 'Backstage ARM Emulator Local CA' },
    { name: 'organizationName', value: 'ARM emulator (development only)' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    {
      name: 'basicConstraints',
      cA: true,
      pathLenConstraint: 0,
      critical: true,
    },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return {
    keyPem: keys.privateKeyPem,
    certPem: forge.pki.certificateToPem(cert),
  };
}

function createLeaf(ca: KeyAndCert): KeyAndCert {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const keys = newKeyPair();
  const cert = baseCertificate(keys.publicKey, LEAF_VALIDITY_DAYS);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    {
      name: 'keyUsage',
      digitalSignature: true,
      keyEncipherment: true,
      critical: true,
    },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return {
    keyPem: keys.privateKeyPem,
    certPem: forge.pki.certificateToPem(cert),
  };
}

/** RSA keys come from node's native generator: forge's pure-JS one takes seconds. */
function newKeyPair() {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey);
  return {
    privateKey: forgeKey,
    privateKeyPem: privateKey,
    publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e),
  };
}

function baseCertificate(publicKey: forge.pki.PublicKey, validityDays: number) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial: clear the top bit of the first byte.
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  cert.serialNumber = serial.toString('hex');
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 3600_000); // tolerate clock skew
  cert.validity.notAfter = new Date(
    now.getTime() + validityDays * 24 * 3600_000,
  );
  return cert;
}

/** Writes through a temporary file and a rename, so readers never see half a file. */
function writeAtomic(file: string, content: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode });
  fs.renameSync(tmp, file);
}

/**
 * A cross-process lock (an exclusive mkdir), so that two emulators starting together do not
 * each write a different CA. A lock older than LOCK_STALE_MS is taken over.
 */
function withLock(lockDir: string, fn: () => void): void {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockAge(lockDir) > LOCK_STALE_MS) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out waiting for the certificate lock ${lockDir}`,
        );
      }
      sleepSync(50);
    }
  }
  try {
    fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function lockAge(lockDir: string): number {
  try {
    return Date.now() - fs.statSync(lockDir).mtimeMs;
  } catch {
    return 0;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
