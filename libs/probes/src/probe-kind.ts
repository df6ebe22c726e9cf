import type { FieldShape, SettingsOf } from '#lib/common';
import type { Probe } from './probe.js';

/**
 * Everything about one probe type, declared in its own file (`<type>.probe.ts`) and listed once in `probe-kinds.ts`:
 * the name stored in `monitors.type` (and the PostgreSQL enum `probe_type`), what the API says it does, the settings
 * it accepts (validated at save; the `secret` ones sealed), and the runner that checks a target with that config.
 */
export interface ProbeKind<Type extends string = string, Shape extends FieldShape = FieldShape> {
  readonly type: Type;
  /** One line for the GraphQL enum value and docs/monitors.md. */
  readonly description: string;
  readonly config: Shape;
  /** A new runner; it receives the config as validated by `config` (credentials revealed). */
  createRunner(): Probe<SettingsOf<Shape>> & { readonly type: Type };
}

/** Declares a probe kind; the config's type flows from the shape into the runner's `check`. */
export function defineProbe<const Type extends string, Shape extends FieldShape>(kind: ProbeKind<Type, Shape>): ProbeKind<Type, Shape> {
  return kind;
}
