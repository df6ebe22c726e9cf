import { Controller, ForbiddenException, HttpCode, Inject, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { Repository } from 'typeorm';
import { CLOCK, type Clock, isUuid } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { SecretBox } from '#lib/secrets';
import { AlertChannel } from '../alert-channel.entity.js';
import { channelKind } from '../channels/channel-kinds.js';
import { ChatIdentities } from './chat-identities.service.js';
import { ChatThreads } from './chat-threads.js';

/** `ACK`, or `ACK <id>` (the 8 hex digits the alert shows; more of the id allowed), any case, nothing else. */
const ACK = /^\s*ack(?:\s+([0-9a-f]{8})[0-9a-f-]{0,28})?\s*$/i;
const MAX_BODY = 16 * 1024;

/** The raw body, at most 16 KiB (the API parses only JSON; providers post forms here). */
function rawBody(req: Request): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) return void req.destroy(new Error('body too large'));
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * A provider's inbound webhook for a channel (Twilio: "A message comes in", Vonage: the number's inbound webhook, HTTP
 * POST → `<VIGIA_PUBLIC_URL>/alerts/inbound/<channel id>`): the kind checks the provider's signature with the channel's sealed secret, then `ACK` or `ACK <id>` from a
 * phone number mapped to a Vigia user acknowledges (the latest alert of the channel, or the one named); anything else is
 * answered with how to do it. Unknown channel, a kind without replies, or a bad signature: 404/403, nothing done.
 */
@Controller('alerts/inbound')
export class InboundController {
  constructor(
    @InjectRepository(AlertChannel) private readonly channels: Repository<AlertChannel>,
    private readonly box: SecretBox,
    private readonly config: VigiaConfig,
    private readonly identities: ChatIdentities,
    private readonly threads: ChatThreads,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':channelId')
  @HttpCode(200)
  async receive(@Param('channelId') channelId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const channel = isUuid(channelId) ? await this.channels.findOneBy({ id: channelId, enabled: true }) : null;
    const inbound = channel && channelKind(channel.type)?.inbound;
    if (!channel || !inbound) throw new NotFoundException();
    const form = Object.fromEntries(new URLSearchParams(await rawBody(req)));
    const secret = channel.secretSealed ? this.box.open(channel.secretSealed, `alert_channels:${channel.id}`) : null;
    const said = inbound.read(channel, secret, { url: `${this.config.publicUrl}${req.originalUrl}`, headers: req.headers, form, at: this.clock.now().getTime() });
    if (!said) throw new ForbiddenException();
    const command = ACK.exec(said.text);
    let reply = 'Reply ACK to acknowledge the latest alert, or ACK <id> with the id the alert shows.';
    if (command) {
      const dedupKey = command[1] ? await this.threads.byShortId(channel.id, command[1].toLowerCase()) : await this.threads.latest(channel.id);
      reply = dedupKey ? (await this.identities.acknowledge(channel, inbound.chat, said.from, dedupKey)).reply : 'No such alert on this number.';
    }
    const answer = inbound.answer(reply);
    res.status(200).type(answer.contentType).send(answer.body);
  }
}
