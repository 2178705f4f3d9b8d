import 'reflect-metadata';
import { PATH_METADATA } from '@nestjs/common/constants';
import { ApiController } from './api.controller';
import { LiveController } from './live.controller';
import { PageController } from './page.controller';

/** The controllers the HTTP module registers; the route list below is read from them, so it cannot lag behind. */
export const HTTP_CONTROLLERS = [ApiController, LiveController, PageController] as const;

/** A @Controller/@Get path: a string, or an array of them (Nest allows both). */
const pathsOf = (metadata: unknown): string[] => [metadata].flat().filter((path): path is string => typeof path === 'string');
const joinPath = (...parts: string[]): string => `/${parts.flatMap((p) => p.split('/')).filter((p) => p !== '').join('/')}`;

/** The /api/… routes of httpRoutes: the unknown-route hint and `serve --help` both list these. */
export function apiRoutes(): string[] {
  return httpRoutes().filter((route) => route.startsWith('/api/'));
}

/**
 * Every path the controllers answer (all GET; /api/live is server-sent events, / the page), in declaration order, read
 * from the route metadata Nest's @Get/@Sse leave on each method. The read-only method guard answers 405 on these.
 */
export function httpRoutes(): string[] {
  const routes: string[] = [];
  for (const controller of HTTP_CONTROLLERS) {
    const prototype = controller.prototype as unknown as Record<string, unknown>;
    for (const base of pathsOf(Reflect.getMetadata(PATH_METADATA, controller))) {
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const method = prototype[name];
        if (name === 'constructor' || typeof method !== 'function') continue;
        for (const path of pathsOf(Reflect.getMetadata(PATH_METADATA, method))) routes.push(joinPath(base, path));
      }
    }
  }
  return [...new Set(routes)];
}
