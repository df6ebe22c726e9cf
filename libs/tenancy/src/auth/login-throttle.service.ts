import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, Repository } from 'typeorm';
import { CLOCK, type Clock, VigiaException } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { AuthFailure } from '../entities/auth-failure.entity.js';

/**
 * Counts failed logins per account and per client address in PostgreSQL, so the limit holds across API replicas
 * and restarts. Past the limit even a correct password is refused until the window has passed.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @InjectRepository(AuthFailure) private readonly failures: Repository<AuthFailure>,
    private readonly config: VigiaConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async assertAllowed(keys: string[]): Promise<void> {
    const since = new Date(this.clock.now().getTime() - this.config.loginWindowMs);
    for (const key of keys) {
      // Address keys get a larger budget: many people can share one office NAT.
      const limit = key.startsWith('ip:') ? this.config.loginMaxFailures * 5 : this.config.loginMaxFailures;
      const count = await this.failures.count({ where: { key, at: MoreThan(since) } });
      if (count >= limit) {
        throw new VigiaException('TOO_MANY_ATTEMPTS', 'too many failed attempts; try again later');
      }
    }
  }

  async recordFailure(keys: string[]): Promise<void> {
    const at = this.clock.now();
    await this.failures.insert(keys.map((key) => ({ key, at })));
    // Old rows are useless once out of the window; trimming here keeps the table at the size of the window.
    await this.failures.delete({ at: LessThan(new Date(at.getTime() - this.config.loginWindowMs)) });
  }
}
