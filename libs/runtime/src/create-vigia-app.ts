import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';

/**
 * The Nest application of a Vigia process, built the same way in production and in tests: buffered logs handed to
 * pino, errors returned to the caller (so an embedded PostgreSQL is stopped too, instead of Nest exiting on its
 * own), JSON bodies capped before parsing, no X-Powered-By header — nothing the API takes is anywhere near 512 kB.
 */
export async function createVigiaApp(module: DynamicModule): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true, bodyParser: false, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: '512kb' });
  // No "X-Powered-By: Express": it tells a stranger what to attack, and the status pages' fast path (answered before
  // Express) must send the same headers as the long way.
  app.disable('x-powered-by');
  return app;
}
