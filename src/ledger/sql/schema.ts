/**
 * The one schema both adapters use. Positions are assigned by the append transaction under an advisory
 * lock (not by a sequence), so they are contiguous and commit in order: an exact prefix for readers.
 * data and metadata are `json`, which keeps the canonical text the append path hashed, byte for byte: reads hand
 * it back without printing a jsonb tree (the largest cost of reading, above all in PGlite's WASM), and writes
 * validate it without building one. Stores created with `jsonb` columns keep them; every query works on both.
 */
export const SCHEMA_VERSION = 2;

/** Advisory lock keys; arbitrary constants that only nas-ledger takes. */
export const APPEND_LOCK_KEY = 7_316_420_001;
export const MIGRATE_LOCK_KEY = 7_316_420_002;

/** Appends NOTIFY this channel with their commit, so live subscriptions wake at once instead of at the next poll. */
export const APPENDED_CHANNEL = 'nas_ledger_appended';

export const SCHEMA_TABLE_SQL = `create table if not exists ledger_schema (
  version integer primary key,
  applied_at timestamptz not null default now()
)`;

export const SCHEMA_SQL = `

create table if not exists ledger_events (
  global_position bigint primary key,
  stream_id text not null,
  stream_version integer not null,
  event_id uuid not null unique,
  type text not null,
  schema_version integer not null,
  data json not null,
  metadata json not null,
  hash char(64) not null,
  prev_hash char(64) not null,
  constraint ledger_events_stream_version_unique unique (stream_id, stream_version),
  constraint ledger_events_position_positive check (global_position > 0),
  constraint ledger_events_version_nonnegative check (stream_version >= 0)
);

create index if not exists ledger_events_type_position on ledger_events (type, global_position);

create table if not exists ledger_checkpoints (
  name text primary key,
  position bigint not null,
  updated_at timestamptz not null default now()
);

create table if not exists ledger_snapshots (
  projection text not null,
  projection_version text not null,
  position bigint not null,
  state jsonb not null,
  saved_at timestamptz not null default now(),
  primary key (projection, projection_version, position)
);

-- Version 2: snapshots carry the chain hash of the event at their position and a hash of their own content. Rows
-- saved before (null hashes) cannot be checked: they fail their check on load and are rebuilt by replay.
alter table ledger_snapshots add column if not exists chain_hash char(64);
alter table ledger_snapshots add column if not exists content_hash char(64);

-- Version 2: the last position (and its hash) up to which run/resume verified the whole chain (one row).
create table if not exists ledger_verified (
  id boolean primary key default true check (id),
  position bigint not null,
  hash char(64) not null,
  verified_at timestamptz not null default now()
);

create or replace function ledger_events_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'ledger_events is append-only: % refused', tg_op
    using errcode = 'P0001', hint = 'Recorded events are never changed; append a compensating event instead.';
end;
$$;

drop trigger if exists ledger_events_append_only on ledger_events;
create trigger ledger_events_append_only before update or delete on ledger_events
  for each row execute function ledger_events_refuse_change();

drop trigger if exists ledger_events_no_truncate on ledger_events;
create trigger ledger_events_no_truncate before truncate on ledger_events
  for each statement execute function ledger_events_refuse_change();

insert into ledger_schema (version) values (${SCHEMA_VERSION}) on conflict do nothing;
`;
