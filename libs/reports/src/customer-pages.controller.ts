import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { isUuid, CLOCK, type Clock } from '#lib/common';
import { CustomerReportAnswer, sendReportNotFound } from './customer-report.answer.js';
import { ReportLinks } from './report-links.js';

/**
 * Customer SLA pages, reached by an expiring signed link. Anything wrong (tampered, expired, another customer, a
 * deleted one, a month it cannot have) answers the same 404 page: it must not tell a stranger which customers exist.
 */
@Controller('reports/customers')
export class CustomerPagesController {
  constructor(
    private readonly links: ReportLinks,
    private readonly answer: CustomerReportAnswer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':customerId')
  async page(@Param('customerId') customerId: string, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const claims = isUuid(customerId) ? this.links.verify(customerId, query, Math.floor(this.clock.now().getTime() / 1000)) : undefined;
    const found = claims && isUuid(claims.tenantId) ? await this.answer.customerOf(claims.tenantId, customerId) : null;
    // The months a link is made for (links signed before that rule, or mailed for a month the customer had nothing in).
    if (!claims || !found || !(await this.answer.reportable(found.tenant, found.customer, claims.month, this.clock.now().getTime()))) return sendReportNotFound(res);
    const link = new URLSearchParams({ t: String(query.t), m: String(query.m), e: String(query.e), s: String(query.s) });
    await this.answer.send(res, found.tenant, found.customer, claims.month, query.format, `${link.toString()}&`);
  }
}
