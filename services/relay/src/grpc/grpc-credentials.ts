/**
 * The gRPC server's transport security, from the relay's settings: TLS with the given certificate
 * and key; mTLS when a client CA is given too (a client without a certificate of that CA is
 * refused during the handshake); plaintext only where nobody else can connect (loopback) or when
 * the operator asks for it (ANCHORPOST_RELAY_GRPC_PLAINTEXT), so a forgotten setting never serves
 * API keys in the clear.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ServerCredentials } from '@grpc/grpc-js';
import { ConfigError } from '@anchorpost/service-kit';

export interface GrpcTlsSettings {
  host: string;
  grpcTlsCertFile: string;
  grpcTlsKeyFile: string;
  grpcTlsClientCaFile: string;
  grpcPlaintext: boolean;
}

export interface GrpcSecurity {
  credentials: ServerCredentials;
  /** `tls`, `mtls` or `plaintext`, for the start-up log. */
  mode: 'tls' | 'mtls' | 'plaintext';
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function read(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(variable, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export function grpcSecurity(settings: GrpcTlsSettings): GrpcSecurity {
  const { grpcTlsCertFile: cert, grpcTlsKeyFile: key, grpcTlsClientCaFile: ca } = settings;
  if (cert === '' && key === '') {
    if (ca !== '') {
      throw new ConfigError(
        'ANCHORPOST_RELAY_GRPC_TLS_CLIENT_CA_FILE',
        'needs the server certificate and key files',
      );
    }
    if (!settings.grpcPlaintext && !isLoopback(settings.host)) {
      throw new ConfigError(
        'ANCHORPOST_RELAY_GRPC_TLS_CERT_FILE',
        `is required for gRPC on ${settings.host}: give a certificate and key, or set ANCHORPOST_RELAY_GRPC_PLAINTEXT=true`,
      );
    }
    return { credentials: ServerCredentials.createInsecure(), mode: 'plaintext' };
  }
  if (cert === '')
    throw new ConfigError('ANCHORPOST_RELAY_GRPC_TLS_CERT_FILE', 'is required with a key file');
  if (key === '')
    throw new ConfigError('ANCHORPOST_RELAY_GRPC_TLS_KEY_FILE', 'is required with a certificate file');
  if (settings.grpcPlaintext) {
    throw new ConfigError('ANCHORPOST_RELAY_GRPC_PLAINTEXT', 'cannot be true with TLS certificate files');
  }
  const pair = {
    cert_chain: read(cert, 'ANCHORPOST_RELAY_GRPC_TLS_CERT_FILE'),
    private_key: read(key, 'ANCHORPOST_RELAY_GRPC_TLS_KEY_FILE'),
  };
  const clientCa = ca === '' ? null : read(ca, 'ANCHORPOST_RELAY_GRPC_TLS_CLIENT_CA_FILE');
  return {
    credentials: ServerCredentials.createSsl(clientCa, [pair], clientCa !== null),
    mode: clientCa === null ? 'tls' : 'mtls',
  };
}
