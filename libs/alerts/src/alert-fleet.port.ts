import { Injectable, Module } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { VigiaException, withDatabaseErrors } from '#lib/common';
import { EgressPolicy } from '#lib/egress';
import { SecretBox } from '#lib/secrets';
import { AlertChannel, type ChannelType } from './alert-channel.entity.js';
import { validateChannel } from './channels/channel-kinds.js';
import { EscalationPolicy, type EscalationStep, type QuietHours, type RouteMatch } from './escalation-policy.entity.js';
import { policyProblem, type PolicyRulesInput } from './escalation-rules.js';

/** A channel as a fleet file sees it: never its secret, only whether it has one. */
export interface FleetChannelRow {
  id: string;
  name: string;
  type: string;
  config: Record<string, unknown>;
  enabled: boolean;
  hasSecret: boolean;
}

/** A policy as stored (ids), for a fleet file to name. */
export interface FleetPolicyRow {
  id: string;
  name: string;
  match: RouteMatch;
  steps: EscalationStep[];
  priority: number;
  repeatMinutes: number | null;
  quietHours: QuietHours | null;
}

/** A channel's settings to save; `secret`: a new value to seal, `undefined` to keep the stored one, `null` for none. */
export interface FleetChannelSave {
  name: string;
  type: string;
  config: Record<string, unknown>;
  enabled: boolean;
  secret: string | null | undefined;
}

/**
 * Alerts' port for fleet as code (issue 16): a tenant's channels and escalation policies read and written in the
 * caller's transaction, checked by the API's own rules (`validateChannel` of `AlertsService.create/update`, each
 * kind's config check and the egress policy; `policyProblem` of the escalation resolver) and with the secret sealed
 * as the API seals it (`alert_channels:<id>`). The tables stay alerts'.
 */
@Injectable()
export class AlertFleetPort {
  constructor(private readonly box: SecretBox, private readonly egress: EgressPolicy) {}

  async channels(manager: EntityManager, tenantId: string): Promise<FleetChannelRow[]> {
    const rows = await manager.find(AlertChannel, { where: { tenantId }, order: { name: 'ASC' } });
    return rows.map((c) => ({ id: c.id, name: c.name, type: c.type, config: c.config, enabled: c.enabled, hasSecret: c.secretSealed !== null }));
  }

  async policies(manager: EntityManager, tenantId: string): Promise<FleetPolicyRow[]> {
    const rows = await manager.find(EscalationPolicy, { where: { tenantId }, order: { name: 'ASC' } });
    return rows.map((p) => ({ id: p.id, name: p.name, match: p.match, steps: p.steps, priority: p.priority, repeatMinutes: p.repeatMinutes, quietHours: p.quietHours }));
  }

  /**
   * The first problem of a channel (field relative to it: `type`, `config.url`, `secret`). `secret`: its value, or
   * `undefined` when not sent (an existing channel's stored one stands in; none stored: the secret is not judged).
   */
  async channelProblem(manager: EntityManager, tenantId: string, input: { type: string; config: Record<string, unknown>; secret?: string; hasSecret: boolean }, existingId?: string): Promise<{ field: string; message: string } | undefined> {
    const stored = existingId ? await manager.findOne(AlertChannel, { where: { id: existingId, tenantId } }) : null;
    if (stored && stored.type !== input.type) return { field: 'type', message: 'cannot change; create another channel (or rename this one)' };
    const unknownSecret = input.hasSecret && input.secret === undefined && !stored?.secretSealed;
    const secret = input.secret ?? (input.hasSecret && stored?.secretSealed ? this.box.open(stored.secretSealed, `alert_channels:${stored.id}`) : undefined);
    try {
      validateChannel({ type: input.type, config: input.config, secret }, this.egress.guard({ tenantId, vantage: 'platform' }));
      return undefined;
    } catch (error) {
      if (!(error instanceof VigiaException) || !error.field) throw error;
      const field = error.field.replace(/^input\./, '');
      if (field === 'secret' && unknownSecret) return undefined;
      return { field, message: error.message.replace(`${error.field}: `, '') };
    }
  }

  /** The escalation resolver's rules (`policyProblem`), field relative to the policy. */
  policyProblem(policy: PolicyRulesInput): { field: string; message: string } | undefined {
    return policyProblem(policy);
  }

  async saveChannel(manager: EntityManager, tenantId: string, channel: { id: string; exists: boolean }, input: FleetChannelSave): Promise<void> {
    const secretSealed = input.secret === undefined ? undefined : input.secret === null ? null : this.box.seal(input.secret, `alert_channels:${channel.id}`);
    const row = { name: input.name.trim(), type: input.type as ChannelType, config: input.config, enabled: input.enabled, ...(secretSealed !== undefined ? { secretSealed } : {}) };
    await withDatabaseErrors(async () => {
      if (channel.exists) await manager.update(AlertChannel, { id: channel.id, tenantId }, row as QueryDeepPartialEntity<AlertChannel>);
      else await manager.insert(AlertChannel, { id: channel.id, tenantId, secretSealed: null, ...row } as QueryDeepPartialEntity<AlertChannel>);
    }, '');
  }

  async savePolicy(manager: EntityManager, tenantId: string, policy: { id: string; exists: boolean }, row: Omit<FleetPolicyRow, 'id'>): Promise<void> {
    const fields = { name: row.name.trim(), match: row.match, steps: row.steps, priority: row.priority, repeatMinutes: row.repeatMinutes, quietHours: row.quietHours };
    await withDatabaseErrors(async () => {
      if (policy.exists) await manager.update(EscalationPolicy, { id: policy.id, tenantId }, fields as QueryDeepPartialEntity<EscalationPolicy>);
      else await manager.insert(EscalationPolicy, { id: policy.id, tenantId, ...fields } as QueryDeepPartialEntity<EscalationPolicy>);
    }, '');
  }

  /** Per channel id, the names of the policies (other than `except`) whose steps page it. */
  async policiesUsing(manager: EntityManager, tenantId: string, channelIds: string[], except: string[]): Promise<Map<string, string[]>> {
    const used = new Map<string, string[]>();
    if (!channelIds.length) return used;
    const policies = await manager.find(EscalationPolicy, { where: { tenantId } });
    for (const p of policies) {
      if (except.includes(p.id)) continue;
      for (const id of new Set(p.steps.flatMap((s) => s.channelIds))) if (channelIds.includes(id)) used.set(id, [...(used.get(id) ?? []), p.name]);
    }
    return used;
  }

  async removeChannels(manager: EntityManager, tenantId: string, ids: string[]): Promise<void> {
    if (ids.length) await manager.delete(AlertChannel, { id: In(ids), tenantId });
  }

  async removePolicies(manager: EntityManager, tenantId: string, ids: string[]): Promise<void> {
    if (ids.length) await manager.delete(EscalationPolicy, { id: In(ids), tenantId });
  }
}

@Module({ providers: [AlertFleetPort], exports: [AlertFleetPort] })
export class AlertFleetModule {}
