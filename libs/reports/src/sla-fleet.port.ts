import { Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { withDatabaseErrors } from '#lib/common';
import { type AccountingPolicy, currentPolicy } from './availability.js';
import { targetPpm } from './nines.js';
import { SlaTarget } from './sla-target.entity.js';

/** The parts of an accounting policy a tenant chooses (version and maintenance are fixed). */
export type SlaPolicyChoice = Pick<AccountingPolicy, 'degradedCountsAsDown' | 'suspectCountsAsDown' | 'unobserved' | 'customerCombination'>;

/**
 * Reports' port for fleet as code (issue 16): a tenant's SLA targets (one per customer) read and written in the
 * caller's transaction, checked as `setSlaTarget` checks them (`targetPpm`), stored as it stores them (the policy
 * through `currentPolicy`, versioned). The table stays reports'.
 */
@Injectable()
export class SlaFleetPort {
  targets(manager: EntityManager, tenantId: string): Promise<SlaTarget[]> {
    return manager.find(SlaTarget, { where: { tenantId } });
  }

  /** Why a target percentage cannot be stored, in words, or undefined. */
  problem(targetPercent: number): string | undefined {
    try {
      targetPpm(targetPercent);
      return undefined;
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return error.message.replace(/^target: /, '');
    }
  }

  async set(manager: EntityManager, tenantId: string, customerId: string, targetPercent: number, policy: SlaPolicyChoice): Promise<void> {
    await withDatabaseErrors(() => manager.upsert(SlaTarget, { tenantId, customerId, targetPercent, policy: currentPolicy(policy) }, ['customerId']));
  }

  async remove(manager: EntityManager, tenantId: string, customerId: string): Promise<void> {
    await manager.delete(SlaTarget, { tenantId, customerId });
  }
}

@Module({ providers: [SlaFleetPort], exports: [SlaFleetPort] })
export class SlaFleetModule {}
