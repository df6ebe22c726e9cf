import { Global, Injectable, Module, type Provider } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** What a purge removes: these monitors (and their history), these customers. */
export interface PurgeSubject {
  monitorIds: string[];
  customerIds: string[];
}

/** What the libraries downstream count of their own history before a purge removes it (shown to the owner). */
export interface PurgeCounts {
  incidents: number;
  stateChanges: number;
}

/**
 * A library downstream of inventory that keeps rows about monitors or customers (incidents, detection's states and
 * rollups, reports' mailings). Each owner removes its own rows, in the purge's transaction (`manager`): inventory
 * never deletes another library's rows and never imports the libraries downstream.
 */
export interface PurgeParticipant {
  count?(manager: EntityManager, subject: PurgeSubject): Promise<Partial<PurgeCounts>>;
  remove(manager: EntityManager, subject: PurgeSubject): Promise<void>;
}

/** Where the owners sign up (at module init); the purge asks every one of them. */
@Injectable()
export class PurgeParticipants {
  private readonly participants = new Map<string, PurgeParticipant>();

  /** `owner`: the library's name; signing up twice (two roles in one process) keeps one. */
  register(owner: string, participant: PurgeParticipant): void {
    this.participants.set(owner, participant);
  }

  async count(manager: EntityManager, subject: PurgeSubject): Promise<PurgeCounts> {
    const counts: PurgeCounts = { incidents: 0, stateChanges: 0 };
    for (const p of this.participants.values()) {
      const part = (await p.count?.(manager, subject)) ?? {};
      counts.incidents += part.incidents ?? 0;
      counts.stateChanges += part.stateChanges ?? 0;
    }
    return counts;
  }

  async remove(manager: EntityManager, subject: PurgeSubject): Promise<void> {
    for (const p of this.participants.values()) await p.remove(manager, subject);
  }
}

/** A provider that signs `participant` up as `owner` when its module starts: list it in the owner's module. */
export function purgeParticipant(owner: string, participant: PurgeParticipant): Provider {
  return {
    provide: Symbol(`purge participant: ${owner}`),
    inject: [PurgeParticipants],
    useFactory: (participants: PurgeParticipants): PurgeParticipant => {
      participants.register(owner, participant);
      return participant;
    },
  };
}

/** Global: the owners' modules (incidents, detection, reports) sign up without importing the whole inventory module. */
@Global()
@Module({ providers: [PurgeParticipants], exports: [PurgeParticipants] })
export class PurgeParticipantsModule {}
