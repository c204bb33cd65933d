/**
 * ajv JSON schemas for every devlink request body, and the dispatcher a transport (the broker)
 * uses to serve a DevlinkApi: validate the body, call the method, return the reply or the error
 * body. An invalid body is EINVAL with ajv's message as the extack.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import type { DevlinkApi, DevlinkMethod, DevlinkMethods } from './api';
import { DEVLINK_METHODS } from './api';
import { DevlinkError, Errno, type DevlinkErrorBody } from './errors';

const U32_MAX = 0xffff_ffff;

const handle = { type: 'string', pattern: '^[^/]+/[^/]+$', maxLength: 256 } as const;
const name = { type: 'string', minLength: 1, maxLength: 256 } as const;
const u32 = { type: 'integer', minimum: 0, maximum: U32_MAX } as const;
const u64 = { type: 'integer', minimum: 0 } as const;

function objectSchema(properties: Record<string, object>, required: string[] = []): object {
  return { type: 'object', properties, required, additionalProperties: false };
}

const reporterRef = { handle, port: u32, reporter: name };
const regionRef = { handle, region: name };

/** One schema per request/reply method, keyed by method name. */
export const devlinkRequestSchemas: Readonly<Record<DevlinkMethod, object>> = {
  listDevices: objectSchema({ handle }),
  devInfo: objectSchema({ handle }),
  portShow: objectSchema({ handle, port: u32 }),
  regionShow: objectSchema({ handle, region: name }),
  regionNew: objectSchema({ ...regionRef, snapshotId: u32 }, ['handle', 'region']),
  regionDel: objectSchema({ ...regionRef, snapshotId: u32 }, ['handle', 'region', 'snapshotId']),
  regionRead: objectSchema(
    { ...regionRef, snapshotId: u32, direct: { type: 'boolean' }, address: u64, length: u64 },
    ['handle', 'region'],
  ),
  healthShow: objectSchema(reporterRef),
  healthSet: objectSchema(
    { ...reporterRef, gracePeriod: u64, burstPeriod: u64, autoRecover: { type: 'boolean' }, autoDump: { type: 'boolean' } },
    ['handle', 'reporter'],
  ),
  healthRecover: objectSchema(reporterRef, ['handle', 'reporter']),
  healthDiagnose: objectSchema(reporterRef, ['handle', 'reporter']),
  healthDumpShow: objectSchema(reporterRef, ['handle', 'reporter']),
  healthDumpClear: objectSchema(reporterRef, ['handle', 'reporter']),
  healthTest: objectSchema(reporterRef, ['handle', 'reporter']),
  paramShow: objectSchema({ handle, name }),
  paramSet: objectSchema(
    {
      handle,
      name,
      cmode: { enum: ['runtime', 'driverinit', 'permanent'] },
      value: { type: ['boolean', 'integer', 'string'] },
      resetDefault: { const: true },
    },
    ['handle', 'name', 'cmode'],
  ),
};

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
const validators = new Map<DevlinkMethod, ValidateFunction>(
  DEVLINK_METHODS.map((method) => [method, ajv.compile(devlinkRequestSchemas[method])]),
);

export function isDevlinkMethod(method: string): method is DevlinkMethod {
  return validators.has(method as DevlinkMethod);
}

/** Validates a request body; throws EINVAL (extack = the first schema error) when it is wrong. */
export function validateDevlinkRequest<M extends DevlinkMethod>(method: M, body: unknown): DevlinkMethods[M]['request'] {
  const validate = validators.get(method);
  if (!validate) throw new DevlinkError(Errno.EOPNOTSUPP, `Unknown devlink method "${method}"`);
  if (!validate(body)) {
    const first = validate.errors?.[0];
    const where = first?.instancePath ? `${first.instancePath} ` : '';
    throw new DevlinkError(Errno.EINVAL, `Invalid ${method} request: ${where}${first?.message ?? 'malformed'}`);
  }
  return body as DevlinkMethods[M]['request'];
}

export type DevlinkDispatchResult = { ok: true; reply: unknown } | { ok: false; error: DevlinkErrorBody };

/**
 * Serves one request: unknown method → EOPNOTSUPP, bad body → EINVAL, then the API's own reply or
 * DevlinkError. A non-devlink exception is a bug in a driver op and is reported as EIO.
 * Void replies are `null` so they survive JSON.
 */
export async function dispatchDevlinkRequest(api: DevlinkApi, method: string, body: unknown): Promise<DevlinkDispatchResult> {
  try {
    if (!isDevlinkMethod(method)) throw new DevlinkError(Errno.EOPNOTSUPP, `Unknown devlink method "${method}"`);
    const request = validateDevlinkRequest(method, body ?? {});
    const reply: unknown = await callMethod(api, method, request);
    return { ok: true, reply: reply ?? null };
  } catch (error) {
    if (error instanceof DevlinkError) return { ok: false, error: error.toJSON() };
    return { ok: false, error: { errno: Errno.EIO } };
  }
}

function callMethod(api: DevlinkApi, method: DevlinkMethod, request: unknown): Promise<unknown> {
  // The schema has already checked the shape, so each cast below is what validation proved.
  switch (method) {
    case 'listDevices': return api.listDevices(request as DevlinkMethods['listDevices']['request']);
    case 'devInfo': return api.devInfo(request as DevlinkMethods['devInfo']['request']);
    case 'portShow': return api.portShow(request as DevlinkMethods['portShow']['request']);
    case 'regionShow': return api.regionShow(request as DevlinkMethods['regionShow']['request']);
    case 'regionNew': return api.regionNew(request as DevlinkMethods['regionNew']['request']);
    case 'regionDel': return api.regionDel(request as DevlinkMethods['regionDel']['request']);
    case 'regionRead': return api.regionRead(request as DevlinkMethods['regionRead']['request']);
    case 'healthShow': return api.healthShow(request as DevlinkMethods['healthShow']['request']);
    case 'healthSet': return api.healthSet(request as DevlinkMethods['healthSet']['request']);
    case 'healthRecover': return api.healthRecover(request as DevlinkMethods['healthRecover']['request']);
    case 'healthDiagnose': return api.healthDiagnose(request as DevlinkMethods['healthDiagnose']['request']);
    case 'healthDumpShow': return api.healthDumpShow(request as DevlinkMethods['healthDumpShow']['request']);
    case 'healthDumpClear': return api.healthDumpClear(request as DevlinkMethods['healthDumpClear']['request']);
    case 'healthTest': return api.healthTest(request as DevlinkMethods['healthTest']['request']);
    case 'paramShow': return api.paramShow(request as DevlinkMethods['paramShow']['request']);
    case 'paramSet': return api.paramSet(request as DevlinkMethods['paramSet']['request']);
  }
}
