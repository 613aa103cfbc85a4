// gRPC over mTLS with certificates made here by the machine's openssl: a client without a
// certificate of the client CA is refused in the handshake, one with it is served, and the API
// key is still required; plaintext on a non-loopback address needs the operator's explicit word.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { credentials, Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { ConfigError } from '@anchorpost/service-kit';
import { grpcSecurity } from '../src/grpc/grpc-credentials.ts';
import { GrpcTestClient, openGrpcFixture } from './grpc-fixture.ts';
import type { GrpcFixture } from './grpc-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'anchorpost-grpc-tls-'));
const file = (name: string) => join(dir, name);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/** A CA, and a key and certificate it signed for `name` (with `san` as subjectAltName). */
function issue(name: string, san: string, ca: string): void {
  openssl(
    ...['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${name}`],
  );
  writeFileSync(file(`${name}.ext`), `subjectAltName=${san}\n`);
  openssl(
    ...['x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${ca}.crt`), '-CAkey', file(`${ca}.key`)],
    ...['-CAcreateserial', '-days', '1', '-out', file(`${name}.crt`), '-extfile', file(`${name}.ext`)],
  );
}

function makeCa(name: string): void {
  openssl(
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', file(`${name}.key`), '-out', file(`${name}.crt`), '-subj', `/CN=${name}`, '-days', '1'],
  );
}

async function refusal(call: Promise<unknown>): Promise<ServiceError> {
  return call.then(
    () => assert.fail('expected a refusal'),
    (error: unknown) => error as ServiceError,
  );
}

describe('relay gRPC over mTLS', () => {
  let f: GrpcFixture;
  const clients: GrpcTestClient[] = [];
  const client = (apiKey: string | undefined, withCertificate: 'ours' | 'stranger' | 'none') => {
    const ca = readFileSync(file('server-ca.crt'));
    const channel =
      withCertificate === 'none'
        ? credentials.createSsl(ca)
        : credentials.createSsl(
            ca,
            readFileSync(file(`${withCertificate === 'ours' ? 'client' : 'stranger'}.key`)),
            readFileSync(file(`${withCertificate === 'ours' ? 'client' : 'stranger'}.crt`)),
          );
    const made = new GrpcTestClient(f.server.url, apiKey, channel);
    clients.push(made);
    return made;
  };

  before(async () => {
    makeCa('server-ca');
    makeCa('client-ca');
    makeCa('other-ca');
    issue('server', 'IP:127.0.0.1,DNS:localhost', 'server-ca');
    issue('client', 'DNS:client', 'client-ca');
    issue('stranger', 'DNS:stranger', 'other-ca');
    const security = grpcSecurity({
      host: '127.0.0.1',
      grpcTlsCertFile: file('server.crt'),
      grpcTlsKeyFile: file('server.key'),
      grpcTlsClientCaFile: file('client-ca.crt'),
      grpcPlaintext: false,
    });
    assert.equal(security.mode, 'mtls');
    f = await openGrpcFixture({ credentials: security.credentials });
  });
  after(async () => {
    for (const made of clients) made.close();
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a client with a certificate of the client CA and an API key', async () => {
    const response = await client(f.apiKey, 'ours').unary<{ duplicate: boolean }>('SubmitTxFile', {
      txFile: f.txFile('over mTLS'),
    });
    assert.equal(response.duplicate, false);
  });

  it('still requires the API key from a client with a certificate', async () => {
    const error = await refusal(
      client(undefined, 'ours').unary('SubmitTxFile', { txFile: f.txFile('no key') }, new Metadata()),
    );
    assert.equal(error.code, status.UNAUTHENTICATED);
  });

  it('refuses a client without a certificate, or with one of another CA, in the handshake', async () => {
    for (const kind of ['none', 'stranger'] as const) {
      const error = await refusal(
        client(f.apiKey, kind).unary('SubmitTxFile', { txFile: f.txFile(`as ${kind}`) }),
      );
      assert.equal(error.code, status.UNAVAILABLE, `${kind}: ${error.details}`);
    }
  });

  it('refuses a plaintext client', async () => {
    const plain = new GrpcTestClient(f.server.url, f.apiKey);
    clients.push(plain);
    const error = await refusal(plain.unary('SubmitTxFile', { txFile: f.txFile('in the clear') }));
    assert.equal(error.code, status.UNAVAILABLE);
  });
});

describe('gRPC transport settings', () => {
  const none = { grpcTlsCertFile: '', grpcTlsKeyFile: '', grpcTlsClientCaFile: '' };

  it('serves plaintext on loopback, and elsewhere only when the operator says so', () => {
    assert.equal(grpcSecurity({ ...none, host: '127.0.0.1', grpcPlaintext: false }).mode, 'plaintext');
    assert.throws(
      () => grpcSecurity({ ...none, host: '0.0.0.0', grpcPlaintext: false }),
      (error: unknown) => error instanceof ConfigError && error.key === 'ANCHORPOST_RELAY_GRPC_TLS_CERT_FILE',
    );
    assert.equal(grpcSecurity({ ...none, host: '0.0.0.0', grpcPlaintext: true }).mode, 'plaintext');
  });

  it('refuses half a TLS setting and an unreadable file, naming the variable', () => {
    const cases: [Partial<typeof none>, string][] = [
      [{ grpcTlsClientCaFile: '/x' }, 'ANCHORPOST_RELAY_GRPC_TLS_CLIENT_CA_FILE'],
      [{ grpcTlsCertFile: '/x' }, 'ANCHORPOST_RELAY_GRPC_TLS_KEY_FILE'],
      [{ grpcTlsKeyFile: '/x' }, 'ANCHORPOST_RELAY_GRPC_TLS_CERT_FILE'],
      [
        { grpcTlsCertFile: '/no/such/cert', grpcTlsKeyFile: '/no/such/key' },
        'ANCHORPOST_RELAY_GRPC_TLS_CERT_FILE',
      ],
    ];
    for (const [given, key] of cases) {
      assert.throws(
        () => grpcSecurity({ ...none, ...given, host: '0.0.0.0', grpcPlaintext: false }),
        (error: unknown) => error instanceof ConfigError && error.key === key,
        key,
      );
    }
  });
});
