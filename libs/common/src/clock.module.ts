import { Global, Module } from '@nestjs/common';
import { CLOCK, systemClock } from './clock.js';

/** Provides the real clock; tests override CLOCK with a controllable one. */
@Global()
@Module({ providers: [{ provide: CLOCK, useValue: systemClock }], exports: [CLOCK] })
export class ClockModule {}
