-- Herald's outbox table for PostgreSQL (the jdbc queue store, dev.herald:mail-queue).
-- The store runs this itself on first use (it is idempotent); run it yourself with your other
-- migrations (psql -f herald_outbox.sql, or copy it into Flyway/Liquibase) when the application's
-- database user may not create tables.
CREATE TABLE IF NOT EXISTS herald_outbox (
  id                BIGSERIAL PRIMARY KEY,              -- the queue id
  message_id        TEXT        NOT NULL,               -- fixed at enqueue: every attempt sends the same message
  state             TEXT        NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'deferred', 'active', 'failed')),
  sender            TEXT        NOT NULL,               -- envelope sender ('' for <>)
  pending           TEXT[]      NOT NULL,               -- recipients still to deliver to
  delivered         TEXT[]      NOT NULL DEFAULT '{}',  -- accepted: never sent to again
  failed            TEXT[]      NOT NULL DEFAULT '{}',  -- given up on ...
  failed_reasons    TEXT[]      NOT NULL DEFAULT '{}',  -- ... and why, in the same order
  created           TIMESTAMPTZ NOT NULL DEFAULT now(),
  attempts          INTEGER     NOT NULL DEFAULT 0,
  next_attempt      TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_error        TEXT,
  history           TEXT[]      NOT NULL DEFAULT '{}',
  worker            TEXT,                               -- the worker holding an active message
  lease_until       TIMESTAMPTZ,                        -- its claim lapses then (a killed worker)
  eightbit          BOOLEAN     NOT NULL DEFAULT false,
  smtputf8          BOOLEAN     NOT NULL DEFAULT false,
  size              BIGINT      NOT NULL,
  message           BYTEA       NOT NULL                -- the message as it will be sent
);
CREATE INDEX IF NOT EXISTS herald_outbox_due ON herald_outbox (next_attempt) WHERE state IN ('queued', 'deferred');
CREATE INDEX IF NOT EXISTS herald_outbox_leases ON herald_outbox (lease_until) WHERE state = 'active';
