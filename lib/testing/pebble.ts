// Debian's pebble, the ACME server made for tests, on loopback: it issues
// certificates after validating DNS-01 challenges against the DNS server it
// is given (our worker), with no random sleeps, no rejected nonces and no
// reuse of earlier validations, so every run validates for real. Its HTTPS
// endpoint needs a certificate: one is made with openssl for 127.0.0.1, and
// clients trust it through `caFile`. Every wait is bounded; stop() ends the
// process this helper started and removes its folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnPeer } from './bind';
import { runProgram } from './run-program';

export interface RunningPebble {
  /** The ACME directory URL, e.g. `https://127.0.0.1:PORT/dir`. */
  directory: string;
  /** The certificate of pebble's HTTPS endpoint, for the client to trust. */
  caFile: string;
  log(): string;
  stop(): Promise<void>;
}

export async function startPebble(opts: { program: string; openssl: string; dnsServer: string }): Promise<RunningPebble> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-pebble-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const made = await runProgram(opts.openssl, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ]);
  if (made.status !== 0) throw new Error(`openssl could not make pebble's certificate:\n${made.stderr}`);
  const port = await freePort('127.0.0.1');
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${port}`,
      managementListenAddress: `127.0.0.1:${await freePort('127.0.0.1')}`,
      certificate: cert,
      privateKey: key,
      // Ports for the HTTP-01 and TLS-ALPN-01 checks, which these tests do not use.
      httpPort: await freePort('127.0.0.1'),
      tlsPort: await freePort('127.0.0.1'),
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
    },
  };
  const configFile = path.join(dir, 'pebble.json');
  fs.writeFileSync(configFile, JSON.stringify(config));
  const peer = spawnPeer('pebble', opts.program, ['-config', configFile, '-dnsserver', opts.dnsServer], dir, path.join(dir, 'pebble.log'), {
    PEBBLE_VA_NOSLEEP: '1',
    PEBBLE_WFE_NONCEREJECT: '0',
    PEBBLE_AUTHZREUSE: '0',
  });
  try {
    await peer.waitForLog(/ACME directory available at/, 15_000);
  } catch (err) {
    await peer.stop();
    throw err;
  }
  return { directory: `https://127.0.0.1:${port}/dir`, caFile: cert, log: peer.output, stop: peer.stop };
}
