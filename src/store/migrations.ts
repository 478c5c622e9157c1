// The store's schema as versioned SQL migrations, applied in order and recorded in
// `schema_migrations`. The same SQL runs on PGlite (PostgreSQL 18) and on PostgreSQL 15 servers, so
// nothing here is newer than 15. A migration is never edited once released: add the next one.

export interface Migration {
  version: number
  name: string
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'targets, observations, reports, notifications, audit log, worker heartbeats',
    sql: `
create table targets (
  id bigserial primary key,
  -- as the CERT gave it: host, host:port or URL; one row per target
  target text not null unique,
  owner text,
  sector text,
  country text,
  asn bigint,
  tags text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- every probe of a target over time (shape: shared/probe.ts ProbeTargetResult)
create table observations (
  id bigserial primary key,
  target_id bigint not null references targets (id),
  -- idempotency: the job (or import) that wrote it; a job that runs twice writes once
  key text not null unique,
  observed_at timestamptz not null,
  verdict text not null,
  exchange boolean not null default false,
  build text,
  confidence text,
  checks jsonb not null default '[]',
  errors jsonb not null default '[]',
  result jsonb not null
);
create index observations_target_time on observations (target_id, observed_at desc);

-- reports as stored JSON, keyed by schema (exhunt.hunt/2, ...)
create table reports (
  id bigserial primary key,
  -- idempotency: 'hunt:<sha256 of the collection>' for a worker's hunt, 'report:<sha256 of the JSON>' for an import
  key text not null unique,
  schema text not null,
  kind text not null,
  verdict text not null,
  complete boolean not null,
  target_id bigint references targets (id),
  host_names text[] not null default '{}',
  evidence_digest text,
  -- where it came from: 'worker', 'import', 'upload'
  origin text not null,
  source_name text,
  started_at timestamptz,
  finished_at timestamptz,
  report jsonb not null,
  stored_at timestamptz not null default now()
);
create index reports_verdict on reports (verdict);

-- one e-mail per state change: claimed in the database before it is sent, with a deterministic
-- Message-ID, so a crash leaves it 'claimed' (in doubt, reported) instead of sending it twice
create table notifications (
  id bigserial primary key,
  target_id bigint not null references targets (id),
  state text not null,
  recipient text not null,
  message_id text not null unique,
  status text not null default 'pending'
    check (status in ('pending', 'claimed', 'sent', 'failed', 'in-doubt')),
  claimed_by text,
  claimed_at timestamptz,
  sent_at timestamptz,
  error text,
  created_at timestamptz not null default now(),
  unique (target_id, state, recipient)
);

create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  subject text,
  detail jsonb not null default '{}'
);
create index audit_log_at on audit_log (at);

-- one row per worker process: its graphile-worker ids, so the locks of a dead one can be released
create table worker_heartbeats (
  id text primary key,
  host text not null,
  pid integer not null,
  worker_ids text[] not null default '{}',
  started_at timestamptz not null default now(),
  seen_at timestamptz not null default now(),
  stopped_at timestamptz,
  released_at timestamptz
);
`,
  },
]
