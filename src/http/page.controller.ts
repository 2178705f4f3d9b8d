import { Controller, Get, Header } from '@nestjs/common';
import { DASHBOARD_CSP, dashboardHtml } from './page/dashboard.html';

/** GET /: the dashboard, one self-contained HTML document (inline CSS and script, no network but this API). */
@Controller()
export class PageController {
  private readonly html = dashboardHtml();

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', DASHBOARD_CSP)
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return this.html;
  }
}
