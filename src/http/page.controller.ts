import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Controller, Get, Header, Req, Res, StreamableFile } from '@nestjs/common';
import { acceptsGzip } from './accept-encoding';
import { DASHBOARD_CSP, dashboardHtml } from './page/dashboard.html';

/** GET /: the dashboard, one self-contained HTML document (inline CSS and script, no network but this API). */
@Controller()
export class PageController {
  private readonly html = dashboardHtml();
  /** The page is about 850 KB (the inlined chart, graph and diff libraries); gzipped on first asking, about a third. */
  private gzipped: Buffer | null = null;

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', DASHBOARD_CSP)
  @Header('Cache-Control', 'no-cache')
  @Header('Vary', 'Accept-Encoding')
  page(@Req() request: IncomingMessage, @Res({ passthrough: true }) response: ServerResponse): string | StreamableFile {
    if (!acceptsGzip(request.headers['accept-encoding'])) return this.html;
    response.setHeader('Content-Encoding', 'gzip');
    this.gzipped ??= gzipSync(this.html);
    // A StreamableFile, because Nest would send a returned Buffer as JSON; the @Header Content-Type stays.
    return new StreamableFile(this.gzipped, { length: this.gzipped.length });
  }
}
