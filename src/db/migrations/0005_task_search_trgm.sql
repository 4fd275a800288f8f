-- Substring search (GET /api/orchestration/tasks?q=) with ILIKE '%…%' can use trigram indexes.
-- pg_trgm is a trusted extension (PostgreSQL >= 13): a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "marketplace_tasks_title_trgm_idx" ON "marketplace_tasks" USING gin ("title" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "marketplace_tasks_description_trgm_idx" ON "marketplace_tasks" USING gin ("description" gin_trgm_ops);
