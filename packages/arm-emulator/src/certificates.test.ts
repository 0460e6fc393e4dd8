import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureEmulatorCertificates } from './certificates';

describe('ensureEmulatorCertificates', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arm-emulator-certs-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('makes a CA and a localhost certificate it signed, and reuses them while valid', () => {
    const first = ensureEmulatorCertificates(dir);
    const ca = new X509Certificate(fs.readFileSync(first.caFile));
    const leaf = new X509Certificate(fs.readFileSync(first.certFile));
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toContain('DNS:localhost');
    expect(leaf.subjectAltName).toContain('IP Address:127.0.0.1');

    const caPem = fs.readFileSync(first.caFile, 'utf8');
    ensureEmulatorCertificates(dir);
    expect(fs.readFileSync(first.caFile, 'utf8')).toBe(caPem);
  });

  it('renews a server certificate that was removed, keeping the trusted CA', () => {
    const files = ensureEmulatorCertificates(dir);
    const caPem = fs.readFileSync(files.caFile, 'utf8');
    fs.rmSync(files.certFile);
    ensureEmulatorCertificates(dir);
    expect(fs.existsSync(files.certFile)).toBe(true);
    expect(fs.readFileSync(files.caFile, 'utf8')).toBe(caPem);
  });
});
