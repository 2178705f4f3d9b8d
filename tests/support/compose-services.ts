import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * Reads docker/compose.yaml the way compose does (interpolation from the project env file, env_file, command,
 * ports, volumes, healthchecks) so that a test can start exactly what compose would run as plain processes. Only
 * the subset of the compose spec our file uses; anything else is an error, so the file and the test cannot drift.
 */
export interface ComposeFile { readonly path: string; readonly services: Record<string, ComposeService>; readonly volumes: Record<string, unknown> }

export interface ComposeService {
  readonly image?: string;
  readonly build?: { context: string; dockerfile: string };
  readonly env_file?: string | string[];
  readonly environment?: Record<string, string | number>;
  readonly command?: string[];
  readonly ports?: string[];
  readonly volumes?: string[];
  readonly profiles?: string[];
  readonly healthcheck?: { test: string[] };
  readonly depends_on?: Record<string, { condition: string }>;
  readonly deploy?: { replicas?: number; resources?: { reservations?: { devices?: { driver: string; count: number; capabilities: string[] }[] } } };
}

export function loadCompose(path: string): ComposeFile {
  const doc = parse(readFileSync(path, 'utf8')) as { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };
  return { path, services: doc.services, volumes: doc.volumes ?? {} };
}

/** KEY=VALUE lines (comments and blanks skipped), as compose reads .env and env_file files. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0) throw new Error(`env file line without '=': ${trimmed}`);
    out[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return out;
}

/** Compose interpolation: $$, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}. */
export function interpolate(value: string, env: Record<string, string>, where: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g, (whole, name?: string, colon?: string, op?: string, arg?: string) => {
    if (whole === '$$') return '$';
    const v = env[name!];
    const unset = v === undefined || (colon === ':' && v === '');
    if (op === '-') return unset ? arg! : v;
    if (op === '?') {
      if (unset) throw new Error(`${where}: ${name} is missing: ${arg}`);
      return v;
    }
    if (v === undefined) throw new Error(`${where}: ${name} is not set and has no default`);
    return v;
  });
}

export interface ProcessPlan {
  /** The image's ENTRYPOINT followed by the service's command, interpolated, with container paths and hosts mapped. */
  readonly argv: string[];
  readonly env: Record<string, string>;
  readonly ports: { host: number; container: number }[];
  readonly healthcheck: string[] | null;
  readonly replicas: number;
}

export interface PlanOptions {
  /** The project env (what docker/.env holds): used for interpolation and for env_file: .env. */
  readonly projectEnv: Record<string, string>;
  /** Container path prefix -> local directory, for the service's volumes (every volume must be mapped). */
  readonly mounts: Record<string, string>;
  /** host:port inside the compose network -> host:port here. */
  readonly hosts: Record<string, string>;
}

/** The ENTRYPOINT of the Dockerfile that builds `service` (directly, or through the service that builds its image). */
export function entrypointOf(compose: ComposeFile, service: string): string[] {
  const s = compose.services[service]!;
  const builder = s.build ? s : Object.values(compose.services).find((o) => o.build && o.image === s.image);
  if (!builder?.build) throw new Error(`${service}: no service builds image ${s.image}`);
  const dockerfile = join(resolve(dirname(compose.path), builder.build.context), builder.build.dockerfile);
  const line = readFileSync(dockerfile, 'utf8').split('\n').find((l) => l.startsWith('ENTRYPOINT '));
  if (!line) throw new Error(`${dockerfile}: no ENTRYPOINT`);
  return JSON.parse(line.slice('ENTRYPOINT '.length)) as string[];
}

export function planService(compose: ComposeFile, service: string, options: PlanOptions): ProcessPlan {
  const s = compose.services[service];
  if (!s) throw new Error(`no service ${service} in ${compose.path}`);
  const where = `service ${service}`;
  const mapText = (text: string) => {
    let out = interpolate(text, options.projectEnv, where);
    for (const [from, to] of Object.entries(options.hosts)) out = out.split(from).join(to);
    for (const [from, to] of Object.entries(options.mounts)) if (out === from || out.startsWith(from + '/')) out = to + out.slice(from.length);
    return out;
  };
  for (const volume of s.volumes ?? []) {
    const target = volume.split(':')[1]!;
    if (!(target in options.mounts)) throw new Error(`${where}: volume ${volume} has no local directory`);
  }
  const env: Record<string, string> = {};
  const envFiles = s.env_file === undefined ? [] : Array.isArray(s.env_file) ? s.env_file : [s.env_file];
  for (const file of envFiles) {
    if (file !== '.env') throw new Error(`${where}: env_file ${file}: only the project .env is modelled`);
    Object.assign(env, options.projectEnv);
  }
  for (const [key, value] of Object.entries(s.environment ?? {})) env[key] = mapText(String(value));
  const ports = (s.ports ?? []).map((p) => {
    const [host, container] = interpolate(p, options.projectEnv, where).split(':').map(Number);
    return { host: host!, container: container! };
  });
  const test = s.healthcheck?.test;
  if (test && test[0] !== 'CMD') throw new Error(`${where}: only CMD healthchecks run as processes`);
  return {
    argv: [...entrypointOf(compose, service), ...(s.command ?? []).map(mapText)],
    env, ports, healthcheck: test ? test.slice(1).map(mapText) : null, replicas: s.deploy?.replicas ?? 1,
  };
}
