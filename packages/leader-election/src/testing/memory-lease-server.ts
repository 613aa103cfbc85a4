/**
 * A TEST DOUBLE of the Kubernetes API server's Lease endpoints (no API server runs on our build
 * machines). It is faithful in what the election relies on: one object per namespace/name, a
 * resourceVersion that changes with every write, 409 Conflict for a replace based on a stale
 * resourceVersion, 409 AlreadyExists for a second create, 404 NotFound for a read or replace of
 * nothing. Candidates share one MemoryLeaseServer as pods share the API server, either in process
 * (`api()`, with `cut` and `hang` to cut one candidate off) or over HTTP (`listen()`, the paths,
 * bodies and Status errors of coordination.k8s.io/v1, MicroTime checked) for KubernetesLeaseApi.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LeaseConflict, LeaseNotFound } from '../lease.ts';
import type { LeaseApi, LeaseRecord, LeaseSpec } from '../lease.ts';

/** One candidate's connection to the double. */
export interface MemoryLeaseApi extends LeaseApi {
  /** Every call fails, as for a candidate partitioned from the API server. */
  cut: boolean;
  /** Every call hangs without an answer, as over a dead TCP connection. */
  hang: boolean;
}

export interface LeaseWrite extends LeaseRecord {
  /** namespace/name */
  readonly lease: string;
}

/** What the API server accepts as a MicroTime: RFC 3339 with exactly six fractional digits. */
const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;
const LEASE_PATH =
  /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([a-z0-9.-]+)\/leases(?:\/([a-z0-9.-]+))?$/;

export class MemoryLeaseServer {
  readonly #leases = new Map<string, LeaseRecord>();
  /** One counter for every object, like etcd's revision. */
  #revision = 0;
  /** Every successful write, oldest first. */
  readonly writes: LeaseWrite[] = [];
  /** The whole API server is unreachable. */
  down = false;

  lease(name = 'lease', namespace = 'default'): LeaseRecord | undefined {
    return this.#leases.get(`${namespace}/${name}`);
  }

  api(name = 'lease', namespace = 'default'): MemoryLeaseApi {
    const key = `${namespace}/${name}`;
    const call = async <T>(op: () => T): Promise<T> => {
      // A round trip: other candidates' calls interleave, as over HTTP.
      await new Promise((resolve) => setImmediate(resolve));
      if (handle.hang) return new Promise<T>(() => undefined);
      if (this.down || handle.cut) throw new Error('the API server is unreachable (test double)');
      return op();
    };
    const handle: MemoryLeaseApi = {
      cut: false,
      hang: false,
      description: `lease ${key} (test double)`,
      get: () => call(() => this.#leases.get(key)),
      create: (spec: LeaseSpec) => call(() => this.#create(key, spec)),
      replace: (version: string, spec: LeaseSpec) => call(() => this.#replace(key, version, spec)),
    };
    return handle;
  }

  /** Serves the Lease endpoints of coordination.k8s.io/v1 on 127.0.0.1 (no authentication). */
  async listen(): Promise<{ readonly url: string; close(): Promise<void> }> {
    const server = createServer((request, response) => {
      this.#serve(request, response).catch((error: unknown) => {
        send(response, ...failure(500, 'InternalError', String(error)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => {
            resolve();
          });
        }),
    };
  }

  #create(key: string, spec: LeaseSpec): LeaseRecord {
    if (this.#leases.has(key))
      throw new LeaseConflict('AlreadyExists', `leases.coordination.k8s.io "${key}" already exists`);
    return this.#write(key, spec);
  }

  #replace(key: string, version: string | undefined, spec: LeaseSpec): LeaseRecord {
    const current = this.#leases.get(key);
    if (current === undefined) throw new LeaseNotFound(`leases.coordination.k8s.io "${key}" not found`);
    // Leases allow an unconditional update (no resourceVersion); the election always sends one.
    if (version !== undefined && current.version !== version) {
      throw new LeaseConflict(
        'Conflict',
        `Operation cannot be fulfilled on leases.coordination.k8s.io "${key}": the object has been modified; ` +
          'please apply your changes to the latest version and try again',
      );
    }
    return this.#write(key, spec);
  }

  #write(key: string, spec: LeaseSpec): LeaseRecord {
    this.#revision += 1;
    const record: LeaseRecord = { ...spec, version: String(this.#revision) };
    this.#leases.set(key, record);
    this.writes.push({ ...record, lease: key });
    return record;
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const [code, body] = await this.#answer(request);
    send(response, code, body);
  }

  async #answer(request: IncomingMessage): Promise<[number, unknown]> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = LEASE_PATH.exec(url.pathname);
    if (this.down) return failure(503, 'ServiceUnavailable', 'the API server is down (test double)');
    if (match === null) return failure(404, 'NotFound', `the server could not find ${url.pathname}`);
    const namespace = match[1]!;
    const name = match[2];
    const method = request.method ?? 'GET';
    try {
      if (method === 'GET' && name !== undefined) {
        const record = this.#leases.get(`${namespace}/${name}`);
        return record === undefined
          ? failure(404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`)
          : [200, toLease(namespace, name, record)];
      }
      if ((method === 'POST' && name === undefined) || (method === 'PUT' && name !== undefined)) {
        const body = await readLease(request);
        if (typeof body === 'string') return failure(400, 'BadRequest', body);
        const bodyName = body.metadata.name;
        if (method === 'PUT' && bodyName !== name)
          return failure(400, 'BadRequest', 'the name of the object does not match the URL');
        if (body.metadata.namespace !== undefined && body.metadata.namespace !== namespace)
          return failure(400, 'BadRequest', 'the namespace of the object does not match the URL');
        const key = `${namespace}/${bodyName}`;
        const record =
          method === 'POST'
            ? this.#create(key, body.spec)
            : this.#replace(key, body.metadata.resourceVersion, body.spec);
        return [method === 'POST' ? 201 : 200, toLease(namespace, bodyName, record)];
      }
      return failure(405, 'MethodNotAllowed', `${method} is not allowed here`);
    } catch (error) {
      if (error instanceof LeaseConflict) return failure(409, error.reason, error.message);
      if (error instanceof LeaseNotFound) return failure(404, 'NotFound', error.message);
      throw error;
    }
  }
}

interface LeaseBody {
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
  };
  readonly spec: LeaseSpec;
}

/** Parses and checks a Lease body as the API server would; a string is what is wrong with it. */
async function readLease(request: IncomingMessage): Promise<LeaseBody | string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return 'the body is not JSON';
  }
  const lease = body as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown; resourceVersion?: unknown };
    spec?: Record<string, unknown>;
  };
  if (lease.apiVersion !== 'coordination.k8s.io/v1' || lease.kind !== 'Lease')
    return 'expected apiVersion coordination.k8s.io/v1, kind Lease';
  const name = lease.metadata?.name;
  if (typeof name !== 'string' || name === '') return 'metadata.name is required';
  const spec = lease.spec ?? {};
  const time = (field: string): number | string => {
    const value = spec[field];
    if (value === undefined || value === null) return 0;
    if (typeof value !== 'string' || !MICRO_TIME.test(value))
      return `spec.${field}: ${JSON.stringify(value)} is not a MicroTime (RFC 3339, 6 fractional digits)`;
    return Date.parse(value);
  };
  const acquireTime = time('acquireTime');
  const renewTime = time('renewTime');
  if (typeof acquireTime === 'string') return acquireTime;
  if (typeof renewTime === 'string') return renewTime;
  const int = (field: string): number | undefined => {
    const value = spec[field] ?? 0;
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
  };
  const leaseDurationSeconds = int('leaseDurationSeconds');
  const leaseTransitions = int('leaseTransitions');
  if (leaseDurationSeconds === undefined || leaseTransitions === undefined)
    return 'spec.leaseDurationSeconds and spec.leaseTransitions must be non-negative integers';
  const holder = spec['holderIdentity'] ?? '';
  if (typeof holder !== 'string') return 'spec.holderIdentity must be a string';
  const resourceVersion = lease.metadata?.resourceVersion;
  return {
    metadata: {
      name,
      ...(typeof lease.metadata?.namespace === 'string' ? { namespace: lease.metadata.namespace } : {}),
      ...(typeof resourceVersion === 'string' && resourceVersion !== '' ? { resourceVersion } : {}),
    },
    spec: { holderIdentity: holder, leaseDurationSeconds, acquireTime, renewTime, leaseTransitions },
  };
}

function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

function toLease(namespace: string, name: string, record: LeaseRecord): unknown {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, resourceVersion: record.version },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      acquireTime: microTime(record.acquireTime),
      renewTime: microTime(record.renewTime),
      leaseTransitions: record.leaseTransitions,
    },
  };
}

function send(response: ServerResponse, code: number, body: unknown): void {
  response.writeHead(code, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** A metav1.Status, as the API server answers errors. */
function failure(code: number, reason: string, message: string): [number, unknown] {
  return [code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code }];
}
