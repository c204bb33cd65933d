/**
 * devlink params (net/devlink/param.c), reduced to what mlx5ctl needs: typed values per
 * configuration mode, the generic `region_snapshot_enable`, and PARAM_SET's checks.
 */
import { einval, eopnotsupp } from './errors';
import type { ParamCmode, ParamInfo, ParamValue, ParamValueType } from './types';

export const CMODE_ORDER: readonly ParamCmode[] = ['runtime', 'driverinit', 'permanent'];

export interface ParamDefinition {
  readonly name: string;
  readonly generic: boolean;
  readonly type: ParamValueType;
  readonly cmodes: readonly ParamCmode[];
  readonly initial: ParamValue;
  /** The driver's validate callback: throw a DevlinkError to refuse. */
  validate?(value: ParamValue): void;
}

/** DEVLINK_PARAM_GENERIC_ID_REGION_SNAPSHOT: "Enable capture of devlink-region snapshots". */
export function regionSnapshotEnableParam(initial: boolean): ParamDefinition {
  return { name: 'region_snapshot_enable', generic: true, type: 'bool', cmodes: ['runtime', 'driverinit'], initial };
}

const UNSIGNED_MAX: Record<'u8' | 'u16' | 'u32', number> = { u8: 0xff, u16: 0xffff, u32: 0xffff_ffff };

export function paramValueMatchesType(type: ParamValueType, value: ParamValue): boolean {
  switch (type) {
    case 'bool':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    default:
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= UNSIGNED_MAX[type];
  }
}

export class DevlinkParam {
  private readonly values = new Map<ParamCmode, ParamValue>();

  constructor(readonly definition: ParamDefinition) {
    for (const cmode of definition.cmodes) this.values.set(cmode, definition.initial);
  }

  get name(): string {
    return this.definition.name;
  }

  /** The value in one cmode (undefined when the cmode is not supported). */
  value(cmode: ParamCmode): ParamValue | undefined {
    return this.values.get(cmode);
  }

  info(handle: string): ParamInfo {
    return {
      handle,
      name: this.name,
      generic: this.definition.generic,
      type: this.definition.type,
      values: CMODE_ORDER.flatMap((cmode) => {
        const value = this.values.get(cmode);
        return value === undefined ? [] : [{ cmode, value }];
      }),
    };
  }

  /** devlink_nl_param_set_doit's order: value type, validate, cmode support. */
  set(cmode: ParamCmode, value: ParamValue): void {
    if (!paramValueMatchesType(this.definition.type, value)) throw einval();
    this.definition.validate?.(value);
    if (!this.values.has(cmode)) throw eopnotsupp();
    this.values.set(cmode, value);
  }
}
